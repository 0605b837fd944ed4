// Base45 (RFC 9285):
//   - the RFC's examples encode and decode;
//   - round trip of every length 0..64 of seeded random bytes;
//   - bad characters, 3k+1 lengths and out-of-range groups are refused.
#include <catch2/catch.hpp>
#include <random>

#include "qr/base45.h"

using namespace fapiao;
using namespace fapiao::qr;

TEST_CASE("RFC 9285 examples", "[qr][base45]") {
  CHECK(Base45Encode("AB") == "BB8");
  CHECK(Base45Encode("Hello!!") == "%69 VD92EX0");
  CHECK(Base45Encode("base-45") == "UJCLQE7W581");
  CHECK(Base45Decode("QED8WEX0") == Bytes("ietf!"));
  CHECK(Base45Decode("") == Bytes());
}

TEST_CASE("base45 round trip", "[qr][base45]") {
  std::mt19937 rng(20261121);
  for (size_t n = 0; n <= 64; ++n) {
    Bytes b(n, '\0');
    for (char& c : b) c = static_cast<char>(rng() & 0xFF);
    INFO("length " << n);
    CHECK(Base45Decode(Base45Encode(b)) == b);
  }
  CHECK(Base45Decode(Base45Encode(Bytes("\xff\xff\xff", 3))) == Bytes("\xff\xff\xff", 3));
}

TEST_CASE("base45 refuses malformed text", "[qr][base45]") {
  CHECK_FALSE(Base45Decode("GGW"));   // 65535 + 1
  CHECK_FALSE(Base45Decode("ab8"));   // lower case is not in the alphabet
  CHECK_FALSE(Base45Decode("BB8A"));  // 3k+1 characters
  CHECK_FALSE(Base45Decode(":;"));    // ';' not in the alphabet
  CHECK_FALSE(Base45Decode("::"));    // 2024 > 255 in a final pair
}
