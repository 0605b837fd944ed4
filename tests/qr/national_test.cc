// The national comma-separated invoice QR text:
//   - vectors encode to the expected text and decode back to their fields;
//   - yuan formatting and parsing at the edges (negative, cents, INT64 limits);
//   - every field rule and the trailer refuse bad input with a stable code.
#include <catch2/catch.hpp>
#include <limits>

#include "qr/fields.h"
#include "qr/national.h"
#include "tests/qr/vectors.h"

using namespace fapiao;
using namespace fapiao::qr;

TEST_CASE("national QR vectors", "[qr][national]") {
  for (const auto& v : test::QrVectors().at("national")) {
    INFO(v.at("name").get<std::string>());
    NationalQr f;
    f.type = v.at("type").get<std::string>();
    f.code = v.at("code").get<std::string>();
    f.number = v.at("number").get<std::string>();
    f.pre_tax_fen = v.at("pre_tax_fen").get<int64_t>();
    f.date = v.at("date").get<std::string>();
    f.check_code = v.at("check_code").get<std::string>();
    auto text = EncodeNationalQr(f);
    REQUIRE(text.ok());
    CHECK(*text == v.at("text").get<std::string>());
    auto back = DecodeNationalQr(*text);
    REQUIRE(back.ok());
    CHECK(*back == f);
  }
}

TEST_CASE("yuan amounts", "[qr][national]") {
  CHECK(FormatYuan(0) == "0.00");
  CHECK(FormatYuan(5) == "0.05");
  CHECK(FormatYuan(-5) == "-0.05");
  CHECK(FormatYuan(100) == "1.00");
  CHECK(FormatYuan(std::numeric_limits<int64_t>::min()) == "-92233720368547758.08");
  for (int64_t fen : {int64_t{0}, int64_t{7}, int64_t{-1234}, std::numeric_limits<int64_t>::max(),
                      std::numeric_limits<int64_t>::min()}) {
    auto back = ParseYuan(FormatYuan(fen));
    REQUIRE(back.ok());
    CHECK(*back == fen);
  }
  for (const char* bad : {"", "1", "1.0", "1.000", "01.00", "-0.00", "+1.00", "1,00", ".50",
                          "92233720368547758.08", "1.0a", "--1.00"}) {
    INFO(bad);
    CHECK(ParseYuan(bad).status().code() == "qr.bad_amount");
  }
}

TEST_CASE("national QR refuses bad fields", "[qr][national]") {
  const std::string good = test::QrVectors().at("national")[0].at("text").get<std::string>();
  REQUIRE(DecodeNationalQr(good).ok());
  auto code_of = [](std::string_view text) { return DecodeNationalQr(text).status().code(); };
  CHECK(code_of("02" + good.substr(2)) == "qr.bad_prefix");
  CHECK(code_of(good + ",") == "qr.bad_field_count");
  CHECK(code_of(good.substr(0, good.rfind(','))) == "qr.bad_field_count");
  // Any single changed character fails (field rule or trailer).
  for (size_t i = 3; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = bad[i] == '1' ? '2' : '1';
    INFO("position " << i << ": " << bad);
    CHECK_FALSE(DecodeNationalQr(bad).ok());
  }
  NationalQr f;
  f.number = "25531000000000000042";
  f.date = "20251121";
  auto enc_code = [&](auto mutate) {
    NationalQr g = f;
    mutate(g);
    return EncodeNationalQr(g).status().code();
  };
  REQUIRE(EncodeNationalQr(f).ok());
  CHECK(enc_code([](NationalQr& g) { g.type = "3"; }) == "qr.bad_type");
  CHECK(enc_code([](NationalQr& g) { g.code = "12a"; }) == "qr.bad_code");
  CHECK(enc_code([](NationalQr& g) { g.number = "2553100000000000004"; }) ==
        "qr.bad_invoice_number");
  CHECK(enc_code([](NationalQr& g) { g.date = "20250229"; }) == "qr.bad_date");
  CHECK(enc_code([](NationalQr& g) { g.date = "20251301"; }) == "qr.bad_date");
  CHECK(enc_code([](NationalQr& g) { g.check_code = "123"; }) == "qr.bad_check_code");
  f.date = "20240229";  // leap day
  CHECK(EncodeNationalQr(f).ok());
}
