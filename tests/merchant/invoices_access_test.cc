// Invoice routes, who may call them and what they refuse:
//  - no credential (no key and no claim) -> 401 with a Bearer challenge
//  - role matrix: POST /v1/invoices is the vendor's (in scope) or a claim's;
//    GET /v1/invoices/{number} the vendor's, the tax officer's and the claim's
//  - bad input per route -> 4xx problem naming the field, a stable code, no
//    transaction submitted and the state unchanged
#include <catch2/catch.hpp>

#include "tests/merchant/fixture.h"

namespace fapiao::api::merchant::test {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

// v-1 with payments R-1 (invoiced by its buyer) and R-2 (not requested).
Issued Setup(World& w) {
  const Issued issued = IssueByClaim(w);
  REQUIRE(w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody("R-2").dump(),
                 w.Token("provider"))
              .status == 201);
  return issued;
}

json VendorIssue() {
  return json{
      {"allocations", {{{"provider", kPayNode}, {"reference", "R-2"}, {"amount_fen", 1250}}}},
      {"lines", {{{"name", "tomatoes"}, {"item_class", "vegetables"}, {"amount_fen", 1250}}}}};
}

TEST_CASE("merchant: invoice routes without a credential are 401", "[merchant][invoice]") {
  World w;
  const Issued issued = Setup(w);
  const auto before = w.Snapshot();
  for (const std::string& token : {std::string(), std::string("nonsense")}) {
    for (const auto& [method, target, body] :
         std::vector<std::tuple<http::verb, std::string, std::string>>{
             {http::verb::post, "/v1/invoices", VendorIssue().dump()},
             {http::verb::post, "/v1/invoices", "{"},
             {http::verb::get, "/v1/invoices/" + issued.number, ""}}) {
      INFO(target << " " << body << " token=" << token);
      auto r = w.Call(kOpNode, method, target, body, token);
      CHECK(r.status == 401);
      CHECK(r.www_authenticate == "Bearer realm=\"fapiao\"");
    }
  }
  CHECK(w.Snapshot() == before);
}

TEST_CASE("merchant: invoice role matrix", "[merchant][invoice]") {
  // POST by a vendor key reaches the contract: R-2 has no buyer request yet.
  const std::map<std::string, int> post = {{"vendor", 422}};
  const std::map<std::string, int> get = {{"vendor", 200}, {"tax", 200}};
  for (const std::string& key : World::KeyNames()) {
    World w;
    const Issued issued = Setup(w);
    const auto before = w.Snapshot();
    auto p = w.Call(kOpNode, http::verb::post, "/v1/invoices", VendorIssue().dump(), w.Token(key));
    INFO("POST as " << key << ": " << p.body.dump());
    CHECK(p.status == (post.contains(key) ? post.at(key) : 403));
    CHECK(p.body["code"] == (post.contains(key) ? "invoice.not_requested" : "auth.forbidden"));
    if (!post.contains(key)) CHECK(w.Snapshot() == before);
    auto g = w.Call(kOpNode, http::verb::get, "/v1/invoices/" + issued.number, "", w.Token(key));
    INFO("GET as " << key << ": " << g.body.dump());
    CHECK(g.status == (get.contains(key) ? get.at(key) : 403));
  }
  World w;
  const Issued issued = Setup(w);
  const std::string url = "/v1/invoices/" + issued.number + "?provider=2&ref=";
  CHECK(w.Call(kOpNode, http::verb::get, url + "R-1&token=" + issued.token, "", "").status == 200);
  // A valid claim of another payment does not cover this invoice.
  auto r2 = w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody("R-2").dump(),
                   w.Token("provider"));
  const std::string t2 = r2.body["claim_token"];
  auto other = w.Call(kOpNode, http::verb::get, url + "R-2&token=" + t2, "", "");
  CHECK(other.status == 403);
  CHECK(other.body["code"] == "auth.forbidden");
  auto wrong = w.Call(kOpNode, http::verb::get, url + "R-1&token=" + t2, "", "");
  CHECK(wrong.status == 403);
  CHECK(wrong.body["code"] == "claim.invalid");
}

TEST_CASE("merchant: invoice bad input names the field and changes nothing",
          "[merchant][invoice]") {
  World w;
  const Issued issued = Setup(w);
  const json v = VendorIssue();
  const auto with = [](json body, const std::string& ptr, json value) {
    body[json::json_pointer(ptr)] = std::move(value);
    return body.dump();
  };
  json no_alloc = v;
  no_alloc.erase("allocations");
  const json org{{"type", "organisation"}, {"name", "Acme"}};
  const std::vector<std::tuple<std::string, int, std::string, std::string>> cases = {
      {"{", 400, "request.malformed_json", ""},
      {with(v, "/colour", "red"), 400, "request.unknown_field", "/colour"},
      {no_alloc.dump(), 400, "request.missing_field", "/allocations"},
      {with(v, "/allocations", json::array()), 422, "request.invalid_field", "/allocations"},
      {with(v, "/allocations/0/amount_fen", -5), 422, "request.invalid_amount",
       "/allocations/0/amount_fen"},
      {with(v, "/allocations/0/provider", "two"), 400, "request.wrong_type",
       "/allocations/0/provider"},
      {with(v, "/allocations/0/reference", ""), 422, "request.invalid_field",
       "/allocations/0/reference"},
      {with(v, "/lines/0/amount_fen", "1e3"), 422, "request.invalid_amount", "/lines/0/amount_fen"},
      {with(v, "/lines/0/treatment", {{"treatment", "free"}}), 422, "request.invalid_field",
       "/lines/0/treatment/treatment"},
      {with(v, "/title", {{"type", "robot"}, {"name", "x"}}), 422, "request.invalid_field",
       "/title/type"},
      {with(v, "/title", org), 400, "request.missing_field", "/title/taxpayer_id"},
      {with(v, "/claim", {{"provider", 2}, {"reference", "R-2"}}), 400, "request.missing_field",
       "/claim/token"},
  };
  const auto before = w.Snapshot();
  const uint64_t submits = w.submits();
  for (const auto& [body, status, code, field] : cases) {
    INFO(body);
    auto r = w.Call(kOpNode, http::verb::post, "/v1/invoices", body, w.Token("vendor"));
    CHECK(r.status == status);
    CHECK(r.content_type == "application/problem+json");
    CHECK(r.body["code"] == code);
    CHECK(r.body.value("field", std::string()) == field);
  }
  auto unknown =
      w.Call(kOpNode, http::verb::get, "/v1/invoices/00000000000000000000", "", w.Token("tax"));
  CHECK(unknown.status == 404);
  CHECK(unknown.body["code"] == "invoice.unknown");
  auto bad_query = w.Call(kOpNode, http::verb::get,
                          "/v1/invoices/" + issued.number + "?provider=x&ref=R-1&token=t", "", "");
  CHECK(bad_query.status == 400);
  CHECK(bad_query.body["field"] == "provider");
  CHECK(w.Snapshot() == before);
  CHECK(w.submits() == submits);
}

}  // namespace
}  // namespace fapiao::api::merchant::test
