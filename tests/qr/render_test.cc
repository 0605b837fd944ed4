// QR rendering, checked with a real decoder (zbar):
//   - every vector's text (verification and national) rendered to PNG decodes
//     back to exactly that text;
//   - the SVG draws the same modules as the matrix;
//   - text too long for any QR version is refused with qr.too_long.
#include <catch2/catch.hpp>
#include <vector>

#include "qr/render.h"
#include "tests/qr/vectors.h"
#include "tests/qr/zbar_decode.h"

using namespace fapiao;
using namespace fapiao::qr;
using fapiao::test::ZbarDecodePng;

namespace {

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
