// API key tokens: `fpk_<key id>_<secret>`, key id 16 lowercase hex digits
// (8 random bytes), secret 64 lowercase hex digits (32 random bytes from
// OpenSSL RAND_bytes). Only SHA-256(secret bytes) is ever stored; hashes are
// compared in constant time. Pure functions except the randomness seam.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "ledger/core/status.h"

namespace fapiao::api::auth {

inline constexpr std::string_view kTokenPrefix = "fpk_";
inline constexpr size_t kKeyIdBytes = 8;
inline constexpr size_t kSecretBytes = 32;

using Secret = std::array<uint8_t, kSecretBytes>;
using SecretHash = std::array<uint8_t, 32>;

// Fills the span with random bytes, or fails with `auth.random`.
using RandomBytes = std::function<Status(std::span<uint8_t>)>;
Status OpenSslRandomBytes(std::span<uint8_t> out);

struct ParsedToken {
  std::string key_id;  // 16 lowercase hex digits
  Secret secret{};
};

// Splits and checks a token; `auth.malformed` when the shape is wrong.
Result<ParsedToken> ParseToken(std::string_view token);
std::string FormatToken(std::string_view key_id, const Secret& secret);
bool IsValidKeyId(std::string_view key_id);

SecretHash HashSecret(const Secret& secret);
// Constant-time equality (CRYPTO_memcmp) for equal lengths; false otherwise.
bool HashesEqual(std::span<const uint8_t> a, std::span<const uint8_t> b);

std::string ToHex(std::span<const uint8_t> bytes);
// Lowercase or uppercase hex of exactly out.size() bytes; false otherwise.
bool FromHex(std::string_view hex, std::span<uint8_t> out);

}  // namespace fapiao::api::auth
