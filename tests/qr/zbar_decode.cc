#include "tests/qr/zbar_decode.h"

#include <png.h>
#include <zbar.h>

#include <catch2/catch.hpp>

namespace fapiao::test {

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

}  // namespace fapiao::test
