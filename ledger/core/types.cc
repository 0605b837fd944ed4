#include "ledger/core/types.h"

#include <algorithm>

namespace fapiao {

std::optional<Hash> Hash::FromBytes(ByteView b) {
  if (b.size() != kSize) return std::nullopt;
  Hash h;
  std::memcpy(h.bytes_.data(), b.data(), kSize);
  return h;
}

std::optional<Hash> Hash::FromHex(std::string_view hex) {
  auto raw = fapiao::FromHex(hex);
  if (!raw) return std::nullopt;
  return FromBytes(*raw);
}

std::string Hash::ToHex() const {
  return fapiao::ToHex(view());
}

bool Hash::IsZero() const {
  return std::all_of(bytes_.begin(), bytes_.end(), [](uint8_t b) { return b == 0; });
}

}  // namespace fapiao
