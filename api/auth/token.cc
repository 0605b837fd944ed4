#include "api/auth/token.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstring>

#include "ledger/core/bytes.h"

namespace fapiao::api::auth {
namespace {

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Status OpenSslRandomBytes(std::span<uint8_t> out) {
  if (out.empty()) return Status::Ok();
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    return Status::Error("auth.random", "the system random generator failed");
  }
  return Status::Ok();
}

std::string ToHex(std::span<const uint8_t> bytes) {
  return fapiao::ToHex(ByteView(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

bool FromHex(std::string_view hex, std::span<uint8_t> out) {
  const auto raw = fapiao::FromHex(hex);
  if (!raw || raw->size() != out.size()) return false;
  std::memcpy(out.data(), raw->data(), out.size());
  return true;
}

bool IsValidKeyId(std::string_view key_id) {
  return key_id.size() == 2 * kKeyIdBytes && IsLowerHex(key_id);
}

std::string FormatToken(std::string_view key_id, const Secret& secret) {
  std::string out(kTokenPrefix);
  out.append(key_id);
  out.push_back('_');
  out.append(ToHex(secret));
  return out;
}

Result<ParsedToken> ParseToken(std::string_view token) {
  auto malformed = [](std::string why) {
    return Status::Error("auth.malformed", "the API key is malformed: " + std::move(why));
  };
  if (!token.starts_with(kTokenPrefix)) return malformed("it does not start with fpk_");
  token.remove_prefix(kTokenPrefix.size());
  const size_t sep = token.find('_');
  if (sep == std::string_view::npos) return malformed("no _ between key id and secret");
  ParsedToken parsed;
  parsed.key_id = std::string(token.substr(0, sep));
  if (!IsValidKeyId(parsed.key_id)) return malformed("the key id is not 16 lowercase hex digits");
  const std::string_view secret = token.substr(sep + 1);
  if (secret.size() != 2 * kSecretBytes || !IsLowerHex(secret) || !FromHex(secret, parsed.secret)) {
    return malformed("the secret is not 64 lowercase hex digits");
  }
  return parsed;
}

SecretHash HashSecret(const Secret& secret) {
  SecretHash out{};
  SHA256(secret.data(), secret.size(), out.data());
  return out;
}

bool HashesEqual(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace fapiao::api::auth
