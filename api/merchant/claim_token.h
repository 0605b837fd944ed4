// Claim tokens for attested payments. A token is derived, not drawn: the first
// 16 bytes of HMAC-SHA256(node secret, "fapiao/claim-token/v1\0" || u32 provider
// || reference), as 32 lowercase hex digits, so an idempotent repeat of a
// payment gets the same token. The ledger holds only H("fapiao/claim/v1\0" ||
// token hex). Immutable after construction; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/core/bytes.h"
#include "ledger/core/crypto.h"
#include "ledger/core/status.h"

namespace fapiao::api::merchant {

inline constexpr std::size_t kClaimSecretBytes = 32;

class ClaimTokens {
 public:
  // REQUIRES: secret.size() == kClaimSecretBytes; hasher outlives this.
  ClaimTokens(Bytes secret, const Hasher& hasher);
  std::string TokenFor(uint32_t provider, std::string_view reference) const;
  // The hash the attestation carries: H("fapiao/claim/v1\0" || token).
  Bytes HashOf(std::string_view token) const;

 private:
  Bytes secret_;
  const Hasher& hasher_;
};

// 32 fresh bytes from OpenSSL RAND_bytes (for a new claim secret).
Result<Bytes> NewClaimSecret();

}  // namespace fapiao::api::merchant
