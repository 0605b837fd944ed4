// Merchant routes, happy paths and idempotency:
//  - vendors: register (201, committed height), read by operator / vendor / tax officer,
//    update fields, suspend; contract refusals become 409/422 with the contract's code
//  - payments: attest (201, claim token whose hash is on the ledger, claim URL), read by
//    provider / vendor / tax officer; the same reference again is one payment with the
//    same token (200, no new transaction); a conflicting one is 409
//  - RFC 3339 and amount parsing
#include <catch2/catch.hpp>

#include "api/merchant/common.h"
#include "contracts/keys.h"
#include "tests/merchant/fixture.h"

namespace fapiao::api::merchant::test {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

void RegisterV1(World& w) {
  auto r = w.Call(kOpNode, http::verb::post, "/v1/vendors", VendorBody("v-1").dump(),
                  w.Token("operator"));
  REQUIRE(r.status == 201);
}

TEST_CASE("merchant: vendor register, read, update and suspend", "[merchant]") {
  World w;
  auto r = w.Call(kOpNode, http::verb::post, "/v1/vendors", VendorBody("v-1").dump(),
                  w.Token("operator"));
  REQUIRE(r.status == 201);
  CHECK(r.body["vendor"]["vendor_id"] == "v-1");
  CHECK(r.body["vendor"]["status"] == "active");
  CHECK(r.body["vendor"]["taxpayer_type"] == "small_scale");
  CHECK(r.body["vendor"]["defaults"][0]["treatment"]["treatment"] == "exempt");
  CHECK(r.body["height"].get<uint64_t>() > 0);

  for (const char* reader : {"operator", "vendor", "tax"}) {
    auto g = w.Call(kOpNode, http::verb::get, "/v1/vendors/v-1", "", w.Token(reader));
    INFO(reader);
    CHECK(g.status == 200);
    CHECK(g.body["vendor"]["name"] == "Stall v-1");
  }

  auto u =
      w.Call(kOpNode, http::verb::patch, "/v1/vendors/v-1",
             json{{"name", "Auntie Li's greens"}, {"stall", "B-3"}}.dump(), w.Token("operator"));
  REQUIRE(u.status == 200);
  CHECK(u.body["vendor"]["name"] == "Auntie Li's greens");
  CHECK(u.body["vendor"]["stall"] == "B-3");
  CHECK(u.body["vendor"]["market"] == "M1");

  auto s = w.Call(kOpNode, http::verb::patch, "/v1/vendors/v-1",
                  json{{"status", "suspended"}, {"reason", "licence expired"}}.dump(),
                  w.Token("operator"));
  REQUIRE(s.status == 200);
  CHECK(s.body["vendor"]["status"] == "suspended");
  CHECK(s.body["vendor"]["status_reason"] == "licence expired");
}

TEST_CASE("merchant: vendor contract refusals carry the contract's code", "[merchant]") {
  World w;
  RegisterV1(w);
  auto again = w.Call(kOpNode, http::verb::post, "/v1/vendors", VendorBody("v-1").dump(),
                      w.Token("operator"));
  CHECK(again.status == 409);
  CHECK(again.body["code"] == "vendor.exists");
  CHECK(again.content_type == "application/problem+json");

  // The M2 operator's key is in scope for M2, but this node operates M1 only.
  auto foreign = w.Call(kOpNode, http::verb::post, "/v1/vendors", VendorBody("v-9", "M2").dump(),
                        w.Token("operator_other"));
  CHECK(foreign.status == 422);
  CHECK(foreign.body["code"] == "vendor.not_own_market");

  json bad_id = VendorBody("v-8");
  bad_id["taxpayer_id"]["value"] = "123";
  auto b = w.Call(kOpNode, http::verb::post, "/v1/vendors", bad_id.dump(), w.Token("operator"));
  CHECK(b.status == 422);
  CHECK(b.body["code"] == "taxpayer_id.bad_format");

  auto suspend = w.Call(kOpNode, http::verb::patch, "/v1/vendors/v-1",
                        json{{"status", "suspended"}}.dump(), w.Token("operator"));
  CHECK(suspend.status == 422);
  CHECK(suspend.body["code"] == "vendor.invalid");
}

TEST_CASE("merchant: payment attest, read, claim token and URL", "[merchant]") {
  World w;
  RegisterV1(w);
  auto r = w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody("R-1").dump(),
                  w.Token("provider"));
  REQUIRE(r.status == 201);
  const std::string token = r.body["claim_token"];
  CHECK(token.size() == 32);
  CHECK(token.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(r.body["claim_url"] ==
        "https://node.example/buyer/claim?provider=2&ref=R-1&token=" + token +
            "&height=" + std::to_string(r.body["height"].get<uint64_t>()));
  CHECK(r.body["payment"]["amount_fen"] == 1250);
  CHECK(r.body["payment"]["provider"] == 2);
  CHECK(r.body["payment"]["paid_at_ms"] == contracts::test::kStartMs - 60000);
  CHECK(r.body["height"].get<uint64_t>() > 0);

  for (const char* reader : {"provider", "vendor", "tax"}) {
    auto g = w.Call(kPayNode, http::verb::get, "/v1/payments/2/R-1", "", w.Token(reader));
    INFO(reader);
    CHECK(g.status == 200);
    CHECK(g.body["payment"]["reference"] == "R-1");
    CHECK_FALSE(g.body.contains("claim_token"));
  }
  // Only the hash is on the ledger, and it is H("fapiao/claim/v1\0" || token).
  bool found = false;
  for (const auto& [key, value] : w.Snapshot()) {
    CHECK(value.find(token) == std::string::npos);
    if (key.second == contracts::keys::Payment(2, "R-1")) {
      pb::Payment p;
      REQUIRE(p.ParseFromString(value));
      CHECK(p.attested().claim_token_hash() == w.ClaimHash(token));
      found = true;
    }
  }
  CHECK(found);
}

TEST_CASE("merchant: payment idempotency: same reference is one payment with the same token",
          "[merchant]") {
  World w;
  RegisterV1(w);
  auto first = w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody("R-7").dump(),
                      w.Token("provider"));
  REQUIRE(first.status == 201);
  const auto before = w.Snapshot();
  const uint64_t submits = w.submits();

  json as_string = PaymentBody("R-7");
  as_string["amount_fen"] = "1250";
  as_string["paid_at"] = contracts::test::kStartMs - 60000;
  for (const json& body : {PaymentBody("R-7"), as_string}) {
    auto again =
        w.Call(kPayNode, http::verb::post, "/v1/payments", body.dump(), w.Token("provider"));
    CHECK(again.status == 200);
    CHECK(again.body["claim_token"] == first.body["claim_token"]);
    CHECK(again.body["claim_url"] == first.body["claim_url"]);
    CHECK(again.body["height"] == first.body["height"]);
    CHECK(again.body["payment"] == first.body["payment"]);
  }
  auto conflict = w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody("R-7", 999).dump(),
                         w.Token("provider"));
  CHECK(conflict.status == 409);
  CHECK(conflict.body["code"] == "payment.conflicting_reference");
  CHECK(conflict.body["field"] == "/reference");
  CHECK(w.submits() == submits);
  CHECK(w.Snapshot() == before);

  auto other = w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody("R-8").dump(),
                      w.Token("provider"));
  CHECK(other.status == 201);
  CHECK(other.body["claim_token"] != first.body["claim_token"]);
}

TEST_CASE("merchant: payment to an unregistered vendor is the contract's 422", "[merchant]") {
  World w;
  auto r = w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody("R-1").dump(),
                  w.Token("provider"));
  CHECK(r.status == 422);
  CHECK(r.body["code"] == "vendor.unknown");
}

TEST_CASE("merchant: claim tokens are deterministic per node secret, provider and reference",
          "[merchant]") {
  auto suite = CryptoSuite::Create(SuiteId::kEd25519Sha256);
  ClaimTokens a(Bytes(kClaimSecretBytes, 'a'), suite->hasher());
  ClaimTokens b(Bytes(kClaimSecretBytes, 'b'), suite->hasher());
  CHECK(a.TokenFor(2, "R-1") == a.TokenFor(2, "R-1"));
  CHECK(a.TokenFor(2, "R-1") != a.TokenFor(6, "R-1"));
  CHECK(a.TokenFor(2, "R-1") != a.TokenFor(2, "R-2"));
  CHECK(a.TokenFor(2, "R-1") != b.TokenFor(2, "R-1"));
  CHECK(a.HashOf("x").size() == 32);
}

TEST_CASE("merchant: RFC 3339 and amount parsing", "[merchant]") {
  CHECK(ParseRfc3339Ms("2026-11-20T10:00:00+08:00") == contracts::test::kStartMs);
  CHECK(ParseRfc3339Ms("2026-11-20T02:00:00Z") == contracts::test::kStartMs);
  CHECK(ParseRfc3339Ms("2026-11-20T02:00:00.5Z") == contracts::test::kStartMs + 500);
  CHECK(ParseRfc3339Ms("2026-11-20T02:00:00.123456z") == contracts::test::kStartMs + 123);
  for (const char* bad :
       {"2026-11-20", "2026-11-20T02:00:00", "2026-02-30T00:00:00Z", "2026-11-20T24:00:00Z",
        "2026-11-20T02:00:00+8:00", "2026-11-20T02:00:00Zx", "2026-11-20T02:00:00.Z"}) {
    INFO(bad);
    CHECK_FALSE(ParseRfc3339Ms(bad));
  }
  CHECK(ParseAmountFen(json(1), "/a").value() == 1);
  CHECK(ParseAmountFen(json("9223372036854775807"), "/a").value() == INT64_MAX);
  CHECK_FALSE(ParseAmountFen(json("9223372036854775808"), "/a").ok());
  CHECK_FALSE(ParseAmountFen(json("+5"), "/a").ok());
  CHECK_FALSE(ParseAmountFen(json(""), "/a").ok());
}

}  // namespace
}  // namespace fapiao::api::merchant::test
