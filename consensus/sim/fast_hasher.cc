#include "consensus/sim/fast_hasher.h"

#include <cstring>

namespace fapiao::consensus::sim {
namespace {

inline uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

struct State {
  uint64_t lane[4] = {0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0xa4093822299f31d0ULL,
                      0x082efa98ec4e6c89ULL};
  uint64_t len = 0;
  void Absorb(ByteView d) {
    size_t i = 0;
    for (; i + 8 <= d.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, d.data() + i, 8);
      uint64_t& l = lane[(len / 8) & 3];
      l = Mix(l ^ w) + 0x9e3779b97f4a7c15ULL;
      len += 8;
    }
    for (; i < d.size(); ++i) {
      uint64_t& l = lane[len & 3];
      l = Mix(l ^ static_cast<uint8_t>(d[i]) ^ (len << 8));
      ++len;
    }
  }
  Hash Finish() const {
    std::array<uint8_t, Hash::kSize> out{};
    uint64_t acc = Mix(len);
    for (int k = 0; k < 4; ++k) {
      acc = Mix(acc ^ lane[k] ^ (lane[(k + 1) & 3] << 1));
      std::memcpy(out.data() + 8 * k, &acc, 8);
    }
    return Hash(out);
  }
};

}  // namespace

Hash FastHasher::Digest(ByteView data) const {
  State s;
  s.Absorb(data);
  return s.Finish();
}

Hash FastHasher::DigestParts(std::span<const ByteView> parts) const {
  Bytes all;
  for (ByteView p : parts) all.append(p);
  return Digest(all);
}

}  // namespace fapiao::consensus::sim
