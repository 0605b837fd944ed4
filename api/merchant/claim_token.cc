#include "api/merchant/claim_token.h"

#include <cassert>
#include <utility>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace fapiao::api::merchant {

ClaimTokens::ClaimTokens(Bytes secret, const Hasher& hasher)
    : secret_(std::move(secret)), hasher_(hasher) {
  assert(secret_.size() == kClaimSecretBytes);
}

std::string ClaimTokens::TokenFor(uint32_t provider, std::string_view reference) const {
  Bytes msg = Bytes("fapiao/claim-token/v1") + '\0';
  for (int shift = 24; shift >= 0; shift -= 8) {
    msg.push_back(static_cast<char>((provider >> shift) & 0xff));
  }
  msg.append(reference);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
  assert(len >= 16);
  return ToHex(ByteView(reinterpret_cast<const char*>(mac), 16));
}

Bytes ClaimTokens::HashOf(std::string_view token) const {
  return hasher_.Digest(Bytes("fapiao/claim/v1") + '\0' + Bytes(token)).ToBytes();
}

Result<Bytes> NewClaimSecret() {
  Bytes out(kClaimSecretBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) != 1) {
    return Status::Error("merchant.random", "RAND_bytes failed");
  }
  return out;
}

}  // namespace fapiao::api::merchant
