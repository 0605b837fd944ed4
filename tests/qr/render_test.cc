// QR rendering, checked with a real decoder (zbar):
//   - every vector's text (verification and national) rendered to PNG decodes
//     back to exactly that text;
//   - the SVG draws the same modules as the matrix;
//   - text too long for any QR version is refused with qr.too_long.
#include <png.h>
#include <zbar.h>

#include <catch2/catch.hpp>
#include <vector>

#include "qr/render.h"
#include "tests/qr/vectors.h"

using namespace fapiao;
using namespace fapiao::qr;

namespace {

// Decodes an 8-bit grayscale PNG with zbar; returns every QR symbol's text.
std::vector<std::string> ZbarDecodePng(const Bytes& png) {
  using namespace zbar;  // zbar.h puts its C API in namespace zbar when compiled as C++
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  REQUIRE(png_image_begin_read_from_memory(&image, png.data(), png.size()));
  image.format = PNG_FORMAT_GRAY;
  std::vector<uint8_t> pixels(PNG_IMAGE_SIZE(image));
  REQUIRE(png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr));

  zbar_image_scanner_t* scanner = zbar_image_scanner_create();
  zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_t* img = zbar_image_create();
  zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(img, image.width, image.height);
  zbar_image_set_data(img, pixels.data(), pixels.size(), nullptr);
  std::vector<std::string> out;
  if (zbar_scan_image(scanner, img) > 0) {
    for (const zbar_symbol_t* s = zbar_image_first_symbol(img); s != nullptr;
         s = zbar_symbol_next(s)) {
      out.emplace_back(zbar_symbol_get_data(s), zbar_symbol_get_data_length(s));
    }
  }
  zbar_image_destroy(img);
  zbar_image_scanner_destroy(scanner);
  return out;
}

std::vector<std::string> AllVectorTexts() {
  std::vector<std::string> texts;
  for (const char* kind : {"verification", "national"}) {
    for (const auto& v : test::QrVectors().at(kind)) texts.push_back(v.at("text"));
  }
  return texts;
}

}  // namespace

TEST_CASE("rendered PNG decodes back to the exact text with zbar", "[qr][render]") {
  for (const std::string& text : AllVectorTexts()) {
    INFO(text);
    auto m = EncodeQrMatrix(text);
    REQUIRE(m.ok());
    auto png = RenderPng(*m);
    REQUIRE(png.ok());
    CHECK(png->starts_with("\x89PNG"));
    const auto decoded = ZbarDecodePng(*png);
    REQUIRE(decoded.size() == 1);
    CHECK(decoded[0] == text);
  }
}

TEST_CASE("SVG draws the matrix's dark modules", "[qr][render]") {
  const std::string text = test::QrVectors().at("verification")[0].at("text");
  auto m = EncodeQrMatrix(text);
  REQUIRE(m.ok());
  const std::string svg = RenderSvg(*m, 4, 4);
  CHECK(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  size_t dark = 0;
  for (uint8_t d : m->dark) dark += d;
  size_t drawn = 0;
  for (size_t at = svg.find("h1v1h-1z"); at != std::string::npos;
       at = svg.find("h1v1h-1z", at + 1)) {
    ++drawn;
  }
  CHECK(drawn == dark);
  CHECK(svg.find("M4 4h1v1h-1z") != std::string::npos);  // finder pattern corner
}

TEST_CASE("text beyond QR capacity is refused", "[qr][render]") {
  CHECK(EncodeQrMatrix(std::string(8000, 'x')).status().code() == "qr.too_long");
}
