// Small value types of the ledger: Hash (32 bytes), MemberId/NodeId, Height.
// Strong types so that a height is never passed where a member is expected.
// Plain values; thread-safe.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/core/bytes.h"

namespace fapiao {

// A 32-byte digest (SHA-256 or SM3, per the chain's crypto suite).
class Hash {
 public:
  static constexpr size_t kSize = 32;
  Hash() { bytes_.fill(0); }
  explicit Hash(const std::array<uint8_t, kSize>& b) : bytes_(b) {}
  // nullopt unless exactly 32 bytes.
  static std::optional<Hash> FromBytes(ByteView b);
  static std::optional<Hash> FromHex(std::string_view hex);

  const uint8_t* data() const { return bytes_.data(); }
  uint8_t* data() { return bytes_.data(); }
  static constexpr size_t size() { return kSize; }
  ByteView view() const { return {reinterpret_cast<const char*>(bytes_.data()), kSize}; }
  Bytes ToBytes() const { return Bytes(view()); }
  std::string ToHex() const;
  bool IsZero() const;

  friend auto operator<=>(const Hash&, const Hash&) = default;
  friend bool operator==(const Hash&, const Hash&) = default;

 private:
  std::array<uint8_t, kSize> bytes_;
};

// Index of a consortium member in the genesis member list (0..n-1). Each member
// runs one node; NodeId names that node (replica index in consensus).
struct MemberId {
  uint32_t value = 0;
  friend auto operator<=>(const MemberId&, const MemberId&) = default;
};
struct NodeId {
  uint32_t value = 0;
  friend auto operator<=>(const NodeId&, const NodeId&) = default;
};

// Block height; the genesis block is height 0.
struct Height {
  uint64_t value = 0;
  Height next() const { return Height{value + 1}; }
  friend auto operator<=>(const Height&, const Height&) = default;
};

}  // namespace fapiao

template <>
struct std::hash<fapiao::Hash> {
  size_t operator()(const fapiao::Hash& h) const noexcept {
    size_t v;
    std::memcpy(&v, h.data(), sizeof(v));
    return v;
  }
};
template <>
struct std::hash<fapiao::MemberId> {
  size_t operator()(const fapiao::MemberId& m) const noexcept { return m.value; }
};
