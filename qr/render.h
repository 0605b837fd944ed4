// Renders QR text as a QR code symbol (libqrencode, error correction level M,
// mixed modes chosen by libqrencode) to SVG text or a grayscale PNG (libpng).
// Pure functions; thread-safe (libqrencode's encoder is reentrant).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/status.h"

namespace fapiao::qr {

struct QrMatrix {
  int width = 0;              // modules per side
  std::vector<uint8_t> dark;  // width * width, row-major; 1 = dark module
  bool at(int x, int y) const { return dark[static_cast<size_t>(y * width + x)] != 0; }
};

// Errors: qr.too_long (does not fit a version-40 symbol), qr.render (libqrencode failure).
Result<QrMatrix> EncodeQrMatrix(std::string_view text);

// REQUIRES: module_px >= 1, quiet_modules >= 0.
std::string RenderSvg(const QrMatrix& m, int module_px = 4, int quiet_modules = 4);
// 8-bit grayscale PNG. Error: qr.render.
Result<Bytes> RenderPng(const QrMatrix& m, int module_px = 4, int quiet_modules = 4);

}  // namespace fapiao::qr
