// Invoice routes (POST /v1/invoices, GET /v1/invoices/{number}):
//  - a buyer's claim issues a blue invoice (RequestInvoice then IssueInvoice) with the
//    default line; the buyer reads it with its claim; the same claim again is 403 claim.used
//  - a vendor's key with the buyer's claim, an organisation title and explicit lines
//  - a wrong or foreign claim token is 403 with no state change
//  - an invoice above the payment is 422 with the contract's code; the standing request
//    then issues with the right amount
//  - on a node that does not operate the vendor's market: 421 invoice.wrong_node
//  - a buyer's bad input (with a claim, no key) is a problem naming the field, not a 401
//  - the default line's pre-tax amount under a taxable default, and when none exists
//  - a claim naming the attestation's height waits until that block is committed here
//    (the answer comes after it); when the wait ends first, 404 payment.unknown, nothing changed
#include <catch2/catch.hpp>

#include <future>

#include "api/merchant/invoice_json.h"

#include "tests/merchant/fixture.h"

namespace fapiao::api::merchant::test {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

// Registers v-1 and attests R-1 (1250 fen); returns R-1's claim token.
std::string Sale(World& w, const std::string& ref = "R-1") {
  if (ref == "R-1") {
    REQUIRE(w.Call(kOpNode, http::verb::post, "/v1/vendors", VendorBody("v-1").dump(),
                   w.Token("operator"))
                .status == 201);
  }
  auto r = w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody(ref).dump(),
                  w.Token("provider"));
  REQUIRE(r.status == 201);
  return r.body["claim_token"].get<std::string>();
}

json Claim(const std::string& token, const std::string& ref = "R-1") {
  return json{{"provider", kPayNode}, {"reference", ref}, {"token", token}};
}

// The claim with a "height" member (any JSON, to test bad ones too).
json ClaimAt(const std::string& token, const json& height, const std::string& ref = "R-1") {
  json c = Claim(token, ref);
  c["height"] = height;
  return c;
}

json Individual() {
  return json{{"type", "individual"}, {"name", "张三"}};
}

TEST_CASE("merchant: a buyer's claim issues an invoice, once", "[merchant][invoice]") {
  World w;
  const std::string token = Sale(w);
  const json body{{"claim", Claim(token)}, {"title", Individual()}};
  auto r = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), "");
  REQUIRE(r.status == 201);
  const json& inv = r.body["invoice"];
  const std::string number = inv["number"];
  CHECK(number.size() == 20);
  CHECK(inv["kind"] == "blue");
  CHECK(inv["total_fen"] == 1250);
  CHECK(inv["tax_fen"] == 0);
  CHECK(inv["total_words"].get<std::string>().ends_with("整"));
  CHECK(inv["check_code"].get<std::string>().size() == 20);
  CHECK(inv["lines"].size() == 1);
  CHECK(inv["lines"][0]["name"] == "tomatoes");
  CHECK(inv["lines"][0]["treatment"]["treatment"] == "exempt");
  CHECK(inv["buyer"]["type"] == "individual");
  CHECK(inv["buyer"]["name_commitment"].get<std::string>().size() == 64);
  CHECK(inv.dump().find("张三") == std::string::npos);
  CHECK(r.body["height"].get<uint64_t>() > 0);
  CHECK(r.body["buyer"]["auth_secret"].get<std::string>().size() == 64);

  const std::string query = "?provider=2&ref=R-1&token=" + token;
  auto g = w.Call(kOpNode, http::verb::get, "/v1/invoices/" + number + query, "", "");
  REQUIRE(g.status == 200);
  CHECK(g.body["invoice"] == inv);

  const auto before = w.Snapshot();
  const uint64_t submits = w.submits();
  auto again = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), "");
  CHECK(again.status == 403);
  CHECK(again.body["code"] == "claim.used");
  CHECK(w.Snapshot() == before);
  CHECK(w.submits() == submits);
}

TEST_CASE("merchant: a vendor issues with its key, explicit lines and an organisation",
          "[merchant][invoice]") {
  World w;
  const std::string token = Sale(w);
  const json org{{"type", "organisation"},
                 {"name", "Acme Ltd"},
                 {"taxpayer_id", {{"kind", "uscc"}, {"value", contracts::test::MakeUscc(42)}}}};
  const json body{
      {"claim", Claim(token)},
      {"title", org},
      {"allocations", {{{"provider", kPayNode}, {"reference", "R-1"}, {"amount_fen", 1250}}}},
      {"lines", {{{"name", "tomatoes"}, {"item_class", "vegetables"}, {"amount_fen", "1250"}}}}};
  auto r = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), w.Token("vendor"));
  REQUIRE(r.status == 201);
  CHECK(r.body["invoice"]["buyer"]["name"] == "Acme Ltd");
  CHECK(r.body["invoice"]["allocations"][0]["amount_fen"] == 1250);
  CHECK_FALSE(r.body["buyer"].contains("name_salt"));
}

TEST_CASE("merchant: wrong and foreign claim tokens change nothing", "[merchant][invoice]") {
  World w;
  Sale(w);
  const std::string other = Sale(w, "R-2");
  const auto before = w.Snapshot();
  const uint64_t submits = w.submits();
  for (const std::string& token : {std::string(32, '0'), other}) {
    INFO(token);
    const json body{{"claim", Claim(token)}, {"title", Individual()}};
    auto r = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), "");
    CHECK(r.status == 403);
    CHECK(r.body["code"] == "claim.invalid");
    CHECK(r.body["field"] == "/claim/token");
  }
  // A buyer's claim draws only from its own payment.
  const json foreign{
      {"claim", Claim(other, "R-2")},
      {"title", Individual()},
      {"allocations", {{{"provider", kPayNode}, {"reference", "R-1"}, {"amount_fen", 1250}}}}};
  auto f = w.Call(kOpNode, http::verb::post, "/v1/invoices", foreign.dump(), "");
  CHECK(f.status == 403);
  CHECK(f.body["code"] == "auth.forbidden");
  CHECK(w.Snapshot() == before);
  CHECK(w.submits() == submits);
}

TEST_CASE("merchant: an invoice above the payment is the contract's 422", "[merchant][invoice]") {
  World w;
  const std::string token = Sale(w);
  json body{
      {"claim", Claim(token)},
      {"title", Individual()},
      {"allocations", {{{"provider", kPayNode}, {"reference", "R-1"}, {"amount_fen", 2000}}}},
      {"lines", {{{"name", "tomatoes"}, {"item_class", "vegetables"}, {"amount_fen", 2000}}}}};
  auto r = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), w.Token("vendor"));
  CHECK(r.status == 422);
  CHECK(r.body["code"] == "invoice.exceeds_payment");
  // The buyer's request stands; the same claim issues within the payment.
  body["allocations"][0]["amount_fen"] = 1250;
  body["lines"][0]["amount_fen"] = 1250;
  auto ok = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), w.Token("vendor"));
  CHECK(ok.status == 201);
  CHECK_FALSE(ok.body.contains("buyer"));
}

TEST_CASE("merchant: invoices are issued only on the vendor's operator node",
          "[merchant][invoice]") {
  World w;
  const std::string token = Sale(w);
  const auto before = w.Snapshot();
  const json body{{"claim", Claim(token)}, {"title", Individual()}};
  auto r = w.Call(kPayNode, http::verb::post, "/v1/invoices", body.dump(), "");
  CHECK(r.status == 421);
  CHECK(r.body["code"] == "invoice.wrong_node");
  CHECK(r.body["detail"].get<std::string>().find("member 1") != std::string::npos);
  CHECK(w.Snapshot() == before);
}

TEST_CASE("merchant: a buyer's bad input names the field and changes nothing",
          "[merchant][invoice]") {
  World w;
  const std::string token = Sale(w);
  const auto before = w.Snapshot();
  const std::vector<std::tuple<json, int, std::string, std::string>> cases = {
      {{{"claim", Claim(token)}}, 400, "request.missing_field", "/title"},
      {{{"claim", Claim(token)}, {"title", {{"type", "robot"}, {"name", "x"}}}},
       422,
       "request.invalid_field",
       "/title/type"},
      {{{"claim", Claim(token)}, {"title", Individual()}, {"tip", 1}},
       400,
       "request.unknown_field",
       "/tip"},
      {{{"claim", {{"provider", 2}, {"reference", "R-1"}, {"token", 7}}}},
       400,
       "request.wrong_type",
       "/claim/token"},
      {{{"claim", ClaimAt(token, -1)}, {"title", Individual()}},
       422,
       "request.invalid_field",
       "/claim/height"},
      {{{"claim", ClaimAt(token, "7")}, {"title", Individual()}},
       400,
       "request.wrong_type",
       "/claim/height"},
  };
  for (const auto& [body, status, code, field] : cases) {
    INFO(body.dump());
    auto r = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), "");
    CHECK(r.status == status);
    CHECK(r.body["code"] == code);
    CHECK(r.body.value("field", std::string()) == field);
  }
  CHECK(w.Snapshot() == before);
}

TEST_CASE("merchant: the default line solves the pre-tax amount", "[merchant][invoice]") {
  pb::Vendor vendor;
  auto* d = vendor.mutable_info()->add_defaults();
  d->set_item_class("cooked");
  d->mutable_treatment()->set_treatment(pb::TAXABLE);
  d->mutable_treatment()->set_rate_bp(300);
  auto line = DefaultLine(vendor, "noodles", 1030);
  REQUIRE(line);
  CHECK(line->amount_fen() == 1000);
  CHECK(line->item_class() == "cooked");
  CHECK(line->name() == "noodles");
  // 16 fen pre-tax is 16 with tax, 17 is 18: no amount gives 17.
  CHECK_FALSE(DefaultLine(vendor, "noodles", 17));
  CHECK_FALSE(DefaultLine(pb::Vendor(), "noodles", 1030));
}

}  // namespace

TEST_CASE("merchant: a claim waits for the height that attested its payment",
          "[merchant][invoice]") {
  World w;
  REQUIRE(w.Call(kOpNode, http::verb::post, "/v1/vendors", VendorBody("v-1").dump(),
                 w.Token("operator"))
              .status == 201);
  // The buyer claims with the height the provider's node will answer for R-1: the operator's
  // node has not executed it yet, so the claim waits instead of answering payment.unknown.
  const std::string token = w.claims().TokenFor(kPayNode, "R-1");
  const uint64_t next = w.height() + 1;
  const json body{{"claim", ClaimAt(token, next)}, {"title", Individual()}};
  auto claim = std::async(std::launch::async, [&] {
    return w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), "");
  });
  w.WaitForAwaits(1);
  auto p = w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody("R-1").dump(),
                  w.Token("provider"));
  REQUIRE(p.status == 201);
  CHECK(p.body["height"] == next);
  CHECK(p.body["claim_token"] == token);
  CHECK(p.body["claim_url"].get<std::string>().ends_with("&height=" + std::to_string(next)));
  const Reply r = claim.get();
  REQUIRE(r.status == 201);
  CHECK(r.body["invoice"]["total_fen"] == 1250);
  CHECK(r.body["height"].get<uint64_t>() > next);
}

TEST_CASE("merchant: a claim whose height never comes is payment.unknown and changes nothing",
          "[merchant][invoice]") {
  World w;
  const std::string token = Sale(w);
  const auto before = w.Snapshot();
  const uint64_t submits = w.submits();
  const json body{{"claim", ClaimAt(token, w.height() + 5, "R-2")}, {"title", Individual()}};
  auto claim = std::async(std::launch::async, [&] {
    return w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), "");
  });
  w.WaitForAwaits(1);
  w.ExpireAwaits();  // as the node's timeout would
  const Reply r = claim.get();
  CheckProblem(r, 404, "payment.unknown", "/claim/reference");
  CHECK(w.Snapshot() == before);
  CHECK(w.submits() == submits);
  // A height already executed here is no wait at all.
  const json now{{"claim", ClaimAt(token, w.height())}, {"title", Individual()}};
  CHECK(w.Call(kOpNode, http::verb::post, "/v1/invoices", now.dump(), "").status == 201);
}

}  // namespace fapiao::api::merchant::test
