// Red-letter form routes (POST /v1/red-letter-forms, GET /v1/red-letter-forms/{id},
// POST .../{id}/confirm, /reject, /withdraw):
//  - the vendor opens a full form on an unused invoice: the red invoice is issued at
//    once with negative totals, the blue invoice records it; nothing is left to reverse
//  - the buyer opens (keyless, from any node, with its secret): pending; the old
//    secret is spent; the vendor confirms on the operator's node (421 elsewhere)
//  - the vendor rejects a buyer's form; the buyer withdraws its own form
//  - an invoice once locked for reimbursement needs the buyer's confirmation
//  - wrong party, foreign vendor, other roles -> 403 with no state change
//  - reading a form: vendor, tax officer, the buyer's claim; others 403
//  - bad input -> 4xx problem naming the field, nothing submitted, state unchanged
#include <catch2/catch.hpp>

#include "tests/merchant/fixture.h"

namespace fapiao::api::merchant::test {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

// An invoice claimed by its buyer (v-1, 1250 fen, exempt), with the buyer's secret.
struct Sold {
  std::string number;
  std::string token;
  std::string secret;
};

Sold Sell(World& w, const std::string& ref = "R-1") {
  if (ref == "R-1") {
    REQUIRE(w.Call(kOpNode, http::verb::post, "/v1/vendors", VendorBody("v-1").dump(),
                   w.Token("operator"))
                .status == 201);
  }
  auto p = w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody(ref).dump(),
                  w.Token("provider"));
  REQUIRE(p.status == 201);
  const std::string token = p.body["claim_token"];
  const json body{{"claim", {{"provider", kPayNode}, {"reference", ref}, {"token", token}}},
                  {"title", {{"type", "individual"}, {"name", "Li"}}}};
  auto r = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), "");
  REQUIRE(r.status == 201);
  return {r.body["invoice"]["number"], token, r.body["buyer"]["auth_secret"]};
}

Reply Post(World& w, uint32_t node, const std::string& target, const json& body,
           const std::string& token = "") {
  return w.Call(node, http::verb::post, target, body.dump(), token);
}

json Partial(const std::string& number, int64_t fen) {
  return json{
      {"invoice_number", number}, {"reason", 2}, {"lines", {{{"line", 0}, {"amount_fen", fen}}}}};
}

json Buyer(const std::string& secret) {
  return json{{"auth_secret", secret}};
}

std::string FormPath(const std::string& id, const std::string& verb = "") {
  return "/v1/red-letter-forms/" + id + (verb.empty() ? "" : "/" + verb);
}

// The buyer opens a partial form for 500 fen; returns its id and the buyer's next secret.
std::pair<std::string, std::string> BuyerOpens(World& w, const Sold& s) {
  json body = Partial(s.number, 500);
  body["buyer"] = Buyer(s.secret);
  auto r = Post(w, kPayNode, "/v1/red-letter-forms", body);
  REQUIRE(r.status == 201);
  return {r.body["form"]["form_id"], r.body["buyer"]["auth_secret"]};
}

TEST_CASE("merchant: a vendor's full form on an unused invoice issues the red invoice at once",
          "[merchant][red_letter]") {
  World w;
  const Sold s = Sell(w);
  const json body{{"invoice_number", s.number}, {"reason", "return"}, {"full", true}};
  auto r = Post(w, kOpNode, "/v1/red-letter-forms", body, w.Token("vendor"));
  REQUIRE(r.status == 201);
  const json& form = r.body["form"];
  CHECK(form["form_id"] == s.number + "-1");
  CHECK(form["status"] == "confirmed");
  CHECK(form["opener"] == "seller");
  CHECK(form["reason"] == 2);
  CHECK(form["reason_name"] == "return");
  CHECK(form["needs_confirmation"] == false);
  CHECK(form["lines"] == json::parse(R"([{"line":0,"amount_fen":1250}])"));
  const json& red = r.body["red_invoice"];
  CHECK(red["kind"] == "red");
  CHECK(red["number"] == form["red_number"]);
  CHECK(red["number"] != s.number);
  CHECK(red["total_fen"] == -1250);
  CHECK(red["pre_tax_fen"] == -1250);
  CHECK(red["lines"][0]["amount_fen"] == -1250);
  CHECK(red["total_words"].get<std::string>().starts_with("（负数）"));
  CHECK_FALSE(r.body.contains("buyer"));

  auto blue = w.Call(kOpNode, http::verb::get, "/v1/invoices/" + s.number, "", w.Token("vendor"));
  REQUIRE(blue.status == 200);
  CHECK(blue.body["invoice"]["red_numbers"] == json::array({red["number"]}));
  auto g = w.Call(kOpNode, http::verb::get, FormPath(form["form_id"]), "", w.Token("tax"));
  REQUIRE(g.status == 200);
  CHECK(g.body["form"] == form);

  // Nothing is left to reverse: refused before submitting.
  const auto before = w.Snapshot();
  const uint64_t submits = w.submits();
  auto again = Post(w, kOpNode, "/v1/red-letter-forms", body, w.Token("vendor"));
  CHECK(again.status == 422);
  CHECK(again.body["code"] == "redletter.exceeds_blue");
  CHECK(w.Snapshot() == before);
  CHECK(w.submits() == submits);
}

TEST_CASE("merchant: the buyer opens a form and the vendor confirms it", "[merchant][red_letter]") {
  World w;
  const Sold s = Sell(w);
  json body = Partial(s.number, 500);
  body["buyer"] = Buyer(s.secret);
  // Any node takes the buyer's transaction.
  auto r = Post(w, kPayNode, "/v1/red-letter-forms", body);
  REQUIRE(r.status == 201);
  const std::string id = r.body["form"]["form_id"];
  CHECK(r.body["form"]["status"] == "pending");
  CHECK(r.body["form"]["opener"] == "buyer");
  CHECK(r.body["form"]["confirmer"] == "seller");
  CHECK(r.body["form"]["deadline_ms"].get<uint64_t>() ==
        r.body["form"]["opened_at_ms"].get<uint64_t>() + 72ULL * 3600 * 1000);
  CHECK_FALSE(r.body.contains("red_invoice"));
  const std::string next = r.body["buyer"]["auth_secret"];
  CHECK(next.size() == 64);
  CHECK(next != s.secret);

  // The revealed secret is spent; another form is pending anyway.
  const auto before = w.Snapshot();
  const uint64_t submits = w.submits();
  auto spent = Post(w, kPayNode, "/v1/red-letter-forms", body);
  CHECK(spent.status == 403);
  CHECK(spent.body["code"] == "buyer.auth_failed");
  CHECK(spent.body["field"] == "/buyer/auth_secret");
  // The seller acts only through the operator of the invoice's market.
  auto elsewhere = Post(w, kPayNode, FormPath(id, "confirm"), json::object(), w.Token("vendor"));
  CHECK(elsewhere.status == 421);
  CHECK(elsewhere.body["code"] == "invoice.wrong_node");
  CHECK(w.Snapshot() == before);
  CHECK(w.submits() == submits);

  // A keyed action may come without a body.
  auto c = w.Call(kOpNode, http::verb::post, FormPath(id, "confirm"), "", w.Token("vendor"));
  REQUIRE(c.status == 200);
  CHECK(c.body["form"]["status"] == "confirmed");
  CHECK(c.body["red_invoice"]["total_fen"] == -500);
  CHECK(c.body["red_invoice"]["number"] == c.body["form"]["red_number"]);
  auto blue = w.Call(kOpNode, http::verb::get, "/v1/invoices/" + s.number, "", w.Token("vendor"));
  CHECK(blue.body["invoice"]["red_numbers"] == json::array({c.body["form"]["red_number"]}));

  auto twice = Post(w, kOpNode, FormPath(id, "confirm"), json::object(), w.Token("vendor"));
  CHECK(twice.status == 409);
  CHECK(twice.body["code"] == "redletter.not_pending");
  auto unknown =
      Post(w, kOpNode, FormPath(s.number + "-9", "confirm"), json::object(), w.Token("vendor"));
  CHECK(unknown.status == 404);
  CHECK(unknown.body["code"] == "redletter.unknown_form");
}

TEST_CASE("merchant: the vendor rejects a buyer's form; the buyer withdraws its own",
          "[merchant][red_letter]") {
  World w;
  const Sold s = Sell(w);
  auto [first, secret] = BuyerOpens(w, s);
  const api::Fields idem = {{"Idempotency-Key", "reject-1"}};
  auto rej = w.Call(kOpNode, http::verb::post, FormPath(first, "reject"), "{}", w.Token("vendor"),
                    "application/json", idem);
  REQUIRE(rej.status == 200);
  CHECK(rej.body["form"]["status"] == "rejected");
  CHECK_FALSE(rej.body.contains("red_invoice"));
  // Retried with its Idempotency-Key, the rejection is answered again, not refused as closed.
  const uint64_t submits = w.submits();
  auto retry = w.Call(kOpNode, http::verb::post, FormPath(first, "reject"), "{}", w.Token("vendor"),
                      "application/json", idem);
  CHECK(retry.status == 200);
  CHECK(retry.body["tx_id"] == rej.body["tx_id"]);
  CHECK(w.submits() == submits);

  json body = Partial(s.number, 300);
  body["buyer"] = Buyer(secret);
  auto second = Post(w, kOpNode, "/v1/red-letter-forms", body);
  REQUIRE(second.status == 201);
  const std::string id = second.body["form"]["form_id"];
  CHECK(id == s.number + "-2");
  // The buyer names its own next hash: nothing to keep in the answer.
  const json withdraw{{"buyer",
                       {{"auth_secret", second.body["buyer"]["auth_secret"]},
                        {"next_auth_hash", std::string(64, 'a')}}}};
  auto wd = Post(w, kPayNode, FormPath(id, "withdraw"), withdraw);
  REQUIRE(wd.status == 200);
  CHECK(wd.body["form"]["status"] == "withdrawn");
  CHECK(wd.body["form"].contains("closed_at_ms"));
  CHECK_FALSE(wd.body.contains("buyer"));
  auto blue = w.Call(kOpNode, http::verb::get, "/v1/invoices/" + s.number, "", w.Token("vendor"));
  CHECK(blue.body["invoice"]["red_numbers"].empty());
}

TEST_CASE("merchant: wrong party, foreign vendor and other roles change nothing",
          "[merchant][red_letter]") {
  World w;
  const Sold s = Sell(w);
  auto [id, secret] = BuyerOpens(w, s);
  const auto before = w.Snapshot();
  const uint64_t submits = w.submits();
  // The buyer opened: only the seller confirms or rejects, only the buyer withdraws.
  for (const char* verb : {"confirm", "reject"}) {
    INFO(verb);
    auto r = Post(w, kOpNode, FormPath(id, verb), json{{"buyer", Buyer(secret)}});
    CHECK(r.status == 403);
    CHECK(r.body["code"] == "redletter.wrong_party");
  }
  auto wd = Post(w, kOpNode, FormPath(id, "withdraw"), json::object(), w.Token("vendor"));
  CHECK(wd.status == 403);
  CHECK(wd.body["code"] == "redletter.wrong_party");
  for (const char* key : {"vendor_other", "operator", "provider", "reimburser", "org_a", "tax"}) {
    for (const char* verb : {"confirm", "reject", "withdraw"}) {
      INFO(key << " " << verb);
      auto r = Post(w, kOpNode, FormPath(id, verb), json::object(), w.Token(key));
      CHECK(r.status == 403);
      CHECK(r.body["code"] == "auth.forbidden");
    }
    INFO(key << " open");
    auto o = Post(w, kOpNode, "/v1/red-letter-forms", Partial(s.number, 100), w.Token(key));
    CHECK(o.status == 403);
    CHECK(o.body["code"] == "auth.forbidden");
  }
  // No key and no buyer proof: unauthenticated.
  auto anon = Post(w, kOpNode, "/v1/red-letter-forms", Partial(s.number, 100));
  CHECK(anon.status == 401);
  CHECK(anon.www_authenticate == "Bearer realm=\"fapiao\"");
  auto anon_act = Post(w, kOpNode, FormPath(id, "confirm"), json::object());
  CHECK(anon_act.status == 401);
  // A wrong secret.
  auto wrong =
      Post(w, kOpNode, FormPath(id, "withdraw"), json{{"buyer", Buyer(std::string(64, '0'))}});
  CHECK(wrong.status == 403);
  CHECK(wrong.body["code"] == "buyer.auth_failed");
  CHECK(w.Snapshot() == before);
  CHECK(w.submits() == submits);
  // The real secret still works afterwards.
  auto ok = Post(w, kOpNode, FormPath(id, "withdraw"), json{{"buyer", Buyer(secret)}});
  CHECK(ok.status == 200);
}

TEST_CASE("merchant: a form on an invoice once locked waits for the buyer",
          "[merchant][red_letter]") {
  World w;
  const Sold s = Sell(w);
  for (const char* action : {"lock", "unlock"}) {
    REQUIRE(Post(w, kOrgNode, "/v1/reimbursements",
                 json{{"action", action}, {"invoice_number", s.number}}, w.Token("org_a"))
                .status == 200);
  }
  auto r =
      Post(w, kOpNode, "/v1/red-letter-forms",
           json{{"invoice_number", s.number}, {"reason", 1}, {"full", true}}, w.Token("vendor"));
  REQUIRE(r.status == 201);
  CHECK(r.body["form"]["status"] == "pending");
  CHECK(r.body["form"]["confirmer"] == "buyer");
  CHECK_FALSE(r.body.contains("red_invoice"));
  const std::string id = r.body["form"]["form_id"];
  auto pending =
      Post(w, kOpNode, "/v1/red-letter-forms", Partial(s.number, 100), w.Token("vendor"));
  CHECK(pending.status == 409);
  CHECK(pending.body["code"] == "redletter.form_pending");
  auto c = Post(w, kPayNode, FormPath(id, "confirm"), json{{"buyer", Buyer(s.secret)}});
  REQUIRE(c.status == 200);
  CHECK(c.body["red_invoice"]["total_fen"] == -1250);
  CHECK(c.body["buyer"]["auth_secret"].get<std::string>().size() == 64);
}

TEST_CASE("merchant: reading a form", "[merchant][red_letter]") {
  World w;
  const Sold s = Sell(w);
  auto [id, secret] = BuyerOpens(w, s);
  const std::map<std::string, int> expect = {{"vendor", 200}, {"tax", 200}};
  for (const std::string& key : World::KeyNames()) {
    INFO(key);
    auto r = w.Call(kOpNode, http::verb::get, FormPath(id), "", w.Token(key));
    CHECK(r.status == (expect.contains(key) ? expect.at(key) : 403));
    if (r.status == 200) CHECK(r.body["form"]["form_id"] == id);
  }
  const std::string claim = "?provider=2&ref=R-1&token=";
  auto buyer = w.Call(kPayNode, http::verb::get, FormPath(id) + claim + s.token, "", "");
  CHECK(buyer.status == 200);
  CHECK(buyer.body["form"]["status"] == "pending");
  auto bad = w.Call(kPayNode, http::verb::get, FormPath(id) + claim + std::string(32, '0'), "", "");
  CHECK(bad.status == 403);
  CHECK(bad.body["code"] == "claim.invalid");
  auto anon = w.Call(kOpNode, http::verb::get, FormPath(id), "", "");
  CHECK(anon.status == 401);
  auto unknown = w.Call(kOpNode, http::verb::get, FormPath(s.number + "-7"), "", w.Token("tax"));
  CHECK(unknown.status == 404);
  CHECK(unknown.body["code"] == "redletter.unknown_form");
}

TEST_CASE("merchant: bad red-letter input names the field and changes nothing",
          "[merchant][red_letter]") {
  World w;
  const Sold s = Sell(w);
  const std::string vendor = w.Token("vendor");
  const auto with = [&](const std::string& field, const json& value) {
    json b = Partial(s.number, 500);
    b[field] = value;
    return b.dump();
  };
  const auto line = [&](const json& l) {
    json b = Partial(s.number, 500);
    b["lines"] = json::array({l});
    return b.dump();
  };
  struct Case {
    std::string body;
    std::string token;
    int status;
    std::string code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"{", vendor, 400, "request.malformed_json", ""},
      {"[]", vendor, 400, "request.not_object", ""},
      {with("colour", "red"), vendor, 400, "request.unknown_field", "/colour"},
      {with("reason", 7), vendor, 422, "request.invalid_field", "/reason"},
      {with("reason", "refund"), vendor, 422, "request.invalid_field", "/reason"},
      {with("reason", 0), vendor, 422, "request.invalid_field", "/reason"},
      {with("reason", json(nullptr)), vendor, 400, "request.wrong_type", "/reason"},
      {with("full", "yes"), vendor, 400, "request.wrong_type", "/full"},
      {with("full", true), vendor, 422, "request.invalid_field", "/lines"},
      {with("invoice_number", 5), vendor, 400, "request.wrong_type", "/invoice_number"},
      {with("invoice_number", "12"), vendor, 422, "request.invalid_field", "/invoice_number"},
      {with("invoice_number", std::string(20, '9')), vendor, 404, "invoice.unknown",
       "/invoice_number"},
      {with("lines", json::array()), vendor, 422, "request.invalid_field", "/lines"},
      {with("lines", "all"), vendor, 400, "request.wrong_type", "/lines"},
      {json{{"invoice_number", s.number}, {"reason", 1}}.dump(), vendor, 400,
       "request.missing_field", "/lines"},
      {json{{"reason", 1}, {"full", true}}.dump(), vendor, 400, "request.missing_field",
       "/invoice_number"},
      {line({{"line", 0}, {"amount_fen", -5}}), vendor, 422, "request.invalid_amount",
       "/lines/0/amount_fen"},
      {line({{"line", 0}, {"amount_fen", 0}}), vendor, 422, "request.invalid_amount",
       "/lines/0/amount_fen"},
      {line({{"line", 0}, {"amount_fen", 1.5}}), vendor, 422, "request.invalid_amount",
       "/lines/0/amount_fen"},
      {line({{"line", -1}, {"amount_fen", 5}}), vendor, 422, "request.invalid_field",
       "/lines/0/line"},
      {line({{"line", 3}, {"amount_fen", 5}}), vendor, 422, "request.invalid_field",
       "/lines/0/line"},
      {line({{"line", 0}, {"amount_fen", 5}, {"tax", 1}}), vendor, 400, "request.unknown_field",
       "/lines/0/tax"},
      {line({{"amount_fen", 5}}), vendor, 400, "request.missing_field", "/lines/0/line"},
      {line({{"line", 0}, {"amount_fen", 1251}}), vendor, 422, "redletter.exceeds_blue", "/lines"},
      {with("buyer", Buyer(s.secret)), vendor, 422, "request.invalid_field", "/buyer"},
      {with("buyer", Buyer("zz")), "", 422, "request.invalid_field", "/buyer/auth_secret"},
      {with("buyer", json{{"auth_secret", s.secret}, {"next_auth_hash", "00"}}), "", 422,
       "request.invalid_field", "/buyer/next_auth_hash"},
      {with("buyer", json{{"secret", s.secret}}), "", 400, "request.missing_field",
       "/buyer/auth_secret"},
  };
  const auto before = w.Snapshot();
  const uint64_t submits = w.submits();
  for (const auto& c : cases) {
    INFO(c.body);
    auto r = w.Call(kOpNode, http::verb::post, "/v1/red-letter-forms", c.body, c.token);
    CheckProblem(r, c.status, c.code, c.field);
  }
  CHECK(w.Snapshot() == before);
  CHECK(w.submits() == submits);
  // Action bodies.
  auto [id, secret] = BuyerOpens(w, s);
  const auto mid = w.Snapshot();
  const uint64_t mid_submits = w.submits();
  for (const auto& [body, code, field] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {R"({"buyer": {"auth_secret": 1}})", "request.wrong_type", "/buyer/auth_secret"},
           {R"({"colour": 1})", "request.unknown_field", "/colour"},
           {"{", "request.malformed_json", ""}}) {
    INFO(body);
    auto r = w.Call(kOpNode, http::verb::post, FormPath(id, "reject"), body, vendor);
    CHECK(r.status == 400);
    CHECK(r.body["code"] == code);
    if (!field.empty()) CHECK(r.body["field"] == field);
  }
  CHECK(w.Snapshot() == mid);
  CHECK(w.submits() == mid_submits);
  CHECK(mid_submits == submits + 1);
}

}  // namespace
}  // namespace fapiao::api::merchant::test
