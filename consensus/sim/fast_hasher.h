// FastHasher: a non-cryptographic Hasher for the simulator and benchmarks
// (collisions are not modelled; the driver uses the chain's real suite).
// Stateless; thread-safe.
#pragma once

#include "ledger/core/crypto.h"

namespace fapiao::consensus::sim {

class FastHasher final : public Hasher {
 public:
  Hash Digest(ByteView data) const override;
  Hash DigestParts(std::span<const ByteView> parts) const override;
};

}  // namespace fapiao::consensus::sim
