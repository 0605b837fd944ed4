#include "qr/render.h"

#include <png.h>
#include <qrencode.h>

#include <cerrno>
#include <memory>

namespace fapiao::qr {

Result<QrMatrix> EncodeQrMatrix(std::string_view text) {
  const std::string owned(text);
  errno = 0;
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(owned.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!code) {
    if (errno == ERANGE) return Status::Error("qr.too_long", "text does not fit a QR code");
    return Status::Error("qr.render", "libqrencode could not encode the text");
  }
  QrMatrix m;
  m.width = code->width;
  m.dark.resize(static_cast<size_t>(m.width) * static_cast<size_t>(m.width));
  for (size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = code->data[i] & 1;
  return m;
}

std::string RenderSvg(const QrMatrix& m, int module_px, int quiet_modules) {
  const int side = (m.width + 2 * quiet_modules) * module_px;
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(side) +
                    "\" height=\"" + std::to_string(side) + "\" viewBox=\"0 0 " +
                    std::to_string(m.width + 2 * quiet_modules) + " " +
                    std::to_string(m.width + 2 * quiet_modules) +
                    "\" shape-rendering=\"crispEdges\">\n<rect width=\"100%\" height=\"100%\" "
                    "fill=\"#fff\"/>\n<path fill=\"#000\" d=\"";
  for (int y = 0; y < m.width; ++y) {
    for (int x = 0; x < m.width; ++x) {
      if (m.at(x, y)) {
        out += "M" + std::to_string(x + quiet_modules) + " " + std::to_string(y + quiet_modules) +
               "h1v1h-1z";
      }
    }
  }
  out += "\"/>\n</svg>\n";
  return out;
}

Result<Bytes> RenderPng(const QrMatrix& m, int module_px, int quiet_modules) {
  const int side = (m.width + 2 * quiet_modules) * module_px;
  std::vector<uint8_t> pixels(static_cast<size_t>(side) * static_cast<size_t>(side), 0xFF);
  for (int y = 0; y < m.width; ++y) {
    for (int x = 0; x < m.width; ++x) {
      if (!m.at(x, y)) continue;
      for (int dy = 0; dy < module_px; ++dy) {
        const size_t row = static_cast<size_t>((y + quiet_modules) * module_px + dy);
        const size_t col = static_cast<size_t>((x + quiet_modules) * module_px);
        std::fill_n(
            pixels.begin() + static_cast<std::ptrdiff_t>(row * static_cast<size_t>(side) + col),
            module_px, 0);
      }
    }
  }
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(side);
  image.height = static_cast<png_uint_32>(side);
  image.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr)) {
    return Status::Error("qr.render", std::string("libpng: ") + image.message);
  }
  Bytes out(size, '\0');
  if (!png_image_write_to_memory(&image, out.data(), &size, 0, pixels.data(), 0, nullptr)) {
    return Status::Error("qr.render", std::string("libpng: ") + image.message);
  }
  out.resize(size);
  return out;
}

}  // namespace fapiao::qr
