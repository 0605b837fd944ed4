// API key token format: shape, parsing, hashing, constant-time comparison.
#include <catch2/catch.hpp>

#include <string>

#include "api/auth/token.h"

namespace fapiao::api::auth {
namespace {

Secret Counting() {
  Secret s{};
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<uint8_t>(i * 7 + 1);
  return s;
}

TEST_CASE("token: format is fpk_<16 hex key id>_<64 hex secret> and parses back") {
  const Secret secret = Counting();
  const std::string token = FormatToken("0123456789abcdef", secret);
  CHECK(token.size() == 4 + 16 + 1 + 64);
  CHECK(token.starts_with("fpk_0123456789abcdef_"));
  CHECK(token.substr(21) == ToHex(secret));
  auto parsed = ParseToken(token);
  REQUIRE(parsed.ok());
  CHECK(parsed->key_id == "0123456789abcdef");
  CHECK(parsed->secret == secret);
}

TEST_CASE("token: malformed shapes are auth.malformed") {
  const std::string good = FormatToken("0123456789abcdef", Counting());
  const std::string cases[] = {
      "",
      "fpk_",
      "xpk_0123456789abcdef_" + good.substr(21),
      "fpk_0123456789abcdef" + good.substr(21),    // no separator
      "fpk_0123456789ABCDEF_" + good.substr(21),   // upper-case key id
      "fpk_0123456789abcde_" + good.substr(21),    // short key id
      "fpk_0123456789abcdef_" + good.substr(22),   // short secret
      good + "0",                                  // long secret
      "fpk_0123456789abcdeg_" + good.substr(21),   // not hex
      good.substr(0, 30) + "G" + good.substr(31),  // not hex in secret
      good.substr(0, 30) + "A" + good.substr(31),  // upper-case hex in secret
      "fpk_0123456789abcdef_" + good.substr(21, 63) + " ",
  };
  for (const std::string& token : cases) {
    INFO(token);
    auto parsed = ParseToken(token);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == "auth.malformed");
  }
}

TEST_CASE("token: the stored hash is SHA-256 of the secret bytes") {
  Secret zero{};
  // SHA-256 of 32 zero bytes.
  CHECK(ToHex(HashSecret(zero)) ==
        "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
  CHECK(HashSecret(Counting()) != HashSecret(zero));
}

TEST_CASE("token: HashesEqual compares whole values of equal length") {
  SecretHash a = HashSecret(Counting());
  SecretHash b = a;
  CHECK(HashesEqual(a, b));
  b[0] ^= 1;
  CHECK_FALSE(HashesEqual(a, b));
  b = a;
  b[31] ^= 0x80;
  CHECK_FALSE(HashesEqual(a, b));
  CHECK_FALSE(HashesEqual(std::span<const uint8_t>(a).first(31), a));
}

TEST_CASE("token: hex round trip and rejects") {
  std::array<uint8_t, 3> out{};
  CHECK(FromHex("00fFa0", out));
  CHECK(ToHex(out) == "00ffa0");
  CHECK_FALSE(FromHex("00ff", out));
  CHECK_FALSE(FromHex("00ffz0", out));
  CHECK(IsValidKeyId("0123456789abcdef"));
  CHECK_FALSE(IsValidKeyId("0123456789abcdef0"));
}

TEST_CASE("token: OpenSSL random source fills different bytes each time") {
  Secret a{}, b{};
  REQUIRE(OpenSslRandomBytes(a).ok());
  REQUIRE(OpenSslRandomBytes(b).ok());
  CHECK(a != b);
}

}  // namespace
}  // namespace fapiao::api::auth
