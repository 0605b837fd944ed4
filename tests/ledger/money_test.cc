// Money in integer fen: checked arithmetic and half-up tax.
// Scenarios: overflow is a value not UB; tax rounds half-up on exact half fen
// (also for negative/red amounts); parse/format of amounts; Hash and hex.
#include <catch2/catch.hpp>

#include <limits>

#include "ledger/core/money.h"
#include "ledger/core/types.h"

using namespace fapiao;

TEST_CASE("checked arithmetic reports overflow as a value", "[money]") {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  CHECK(Fen(1).Add(Fen(2)) == Fen(3));
  CHECK_FALSE(Fen(kMax).Add(Fen(1)).has_value());
  CHECK_FALSE(Fen(kMin).Sub(Fen(1)).has_value());
  CHECK_FALSE(Fen(kMax / 2 + 1).Mul(2).has_value());
  CHECK(Fen(-5).Mul(3) == Fen(-15));
  CHECK_FALSE(Fen(kMin).Negate().has_value());
  CHECK(Fen(7).Negate() == Fen(-7));
}

TEST_CASE("tax is rounded half-up in integer arithmetic", "[money]") {
  // 50 fen at 1% = 0.5 fen -> 1 fen; 49 fen -> 0.49 -> 0.
  CHECK(TaxHalfUp(Fen(50), 100) == Fen(1));
  CHECK(TaxHalfUp(Fen(49), 100) == Fen(0));
  // 150 fen at 3% = 4.5 fen -> 5.
  CHECK(TaxHalfUp(Fen(150), 300) == Fen(5));
  CHECK(TaxHalfUp(Fen(149), 300) == Fen(4));
  // 13% of 1,000,000 fen exactly.
  CHECK(TaxHalfUp(Fen(1000000), 1300) == Fen(130000));
  // Red lines: the tax of -x is the negation of the tax of x.
  CHECK(TaxHalfUp(Fen(-150), 300) == Fen(-5));
  CHECK(TaxHalfUp(Fen(-50), 100) == Fen(-1));
  CHECK(TaxHalfUp(Fen(12345), 0) == Fen(0));
  CHECK_FALSE(TaxHalfUp(Fen(1), -1).has_value());
  CHECK_FALSE(TaxHalfUp(Fen(std::numeric_limits<int64_t>::max()), 20000).has_value());
  // Large amounts stay exact (no intermediate overflow).
  CHECK(TaxHalfUp(Fen(std::numeric_limits<int64_t>::max()), 10000) ==
        Fen(std::numeric_limits<int64_t>::max()));
}

TEST_CASE("amounts parse and print exactly", "[money]") {
  CHECK(Fen(127200).ToYuanString() == "1272.00");
  CHECK(Fen(5).ToYuanString() == "0.05");
  CHECK(Fen(-5).ToYuanString() == "-0.05");
  CHECK(Fen(std::numeric_limits<int64_t>::min()).ToYuanString() == "-92233720368547758.08");
  CHECK(Fen::ParseFen("12345") == Fen(12345));
  CHECK(Fen::ParseFen("-7") == Fen(-7));
  CHECK_FALSE(Fen::ParseFen("").has_value());
  CHECK_FALSE(Fen::ParseFen("1.5").has_value());
  CHECK_FALSE(Fen::ParseFen("+1").has_value());
  CHECK_FALSE(Fen::ParseFen("99999999999999999999").has_value());
}

TEST_CASE("hashes and hex", "[types]") {
  const std::string hex = "00ff" + std::string(60, 'a');
  auto h = Hash::FromHex(hex);
  REQUIRE(h.has_value());
  CHECK(h->ToHex() == hex);
  CHECK_FALSE(Hash::FromHex("abc").has_value());
  CHECK_FALSE(Hash::FromHex(std::string(64, 'g')).has_value());
  CHECK_FALSE(Hash::FromBytes("short").has_value());
  CHECK(Hash().IsZero());
  CHECK_FALSE(h->IsZero());
  CHECK(FromHex("0A0b") == Bytes("\x0a\x0b"));
  Bytes b;
  AppendU64(b, 0x0102030405060708ULL);
  AppendU32(b, 0x0a0b0c0d);
  CHECK(ToHex(b) == "01020304050607080a0b0c0d");
  CHECK(ReadU64(b) == 0x0102030405060708ULL);
  CHECK(ReadU32(ByteView(b).substr(8)) == 0x0a0b0c0dU);
}
