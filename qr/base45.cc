#include "qr/base45.h"

#include <cstdint>

namespace fapiao::qr {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

int Value(char c) {
  const size_t i = kAlphabet.find(c);
  return i == std::string_view::npos ? -1 : static_cast<int>(i);
}

}  // namespace

std::string Base45Encode(ByteView bytes) {
  std::string out;
  out.reserve(bytes.size() / 2 * 3 + 2);
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    uint32_t n = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) * 256 +
                 static_cast<uint8_t>(bytes[i + 1]);
    out += kAlphabet[n % 45];
    out += kAlphabet[(n / 45) % 45];
    out += kAlphabet[n / 2025];
  }
  if (i < bytes.size()) {
    const uint32_t n = static_cast<uint8_t>(bytes[i]);
    out += kAlphabet[n % 45];
    out += kAlphabet[n / 45];
  }
  return out;
}

std::optional<Bytes> Base45Decode(std::string_view text) {
  if (text.size() % 3 == 1) return std::nullopt;
  Bytes out;
  out.reserve(text.size() / 3 * 2 + 1);
  for (size_t i = 0; i < text.size(); i += 3) {
    const size_t group = std::min<size_t>(3, text.size() - i);
    uint32_t n = 0;
    uint32_t weight = 1;
    for (size_t k = 0; k < group; ++k) {
      const int v = Value(text[i + k]);
      if (v < 0) return std::nullopt;
      n += static_cast<uint32_t>(v) * weight;
      weight *= 45;
    }
    if (group == 3) {
      if (n > 0xFFFF) return std::nullopt;
      out += static_cast<char>(n >> 8);
      out += static_cast<char>(n & 0xFF);
    } else {
      if (n > 0xFF) return std::nullopt;
      out += static_cast<char>(n);
    }
  }
  return out;
}

}  // namespace fapiao::qr
