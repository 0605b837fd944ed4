// Reimbursement mark routes (POST /v1/reimbursements, GET /v1/reimbursements/{number}):
//  - lock -> GET shows it locked (and the organisation may now read the invoice) ->
//    a red-letter form is refused (409 redletter.invoice_locked) -> unlock -> lock ->
//    close -> red-letter refused (invoice_reimbursed); CLOSED is final
//  - only the locking organisation unlocks or closes (403 mark.not_locking_org)
//  - a batch applies in order; one bad mark refuses all, names the mark, changes nothing;
//    retried with its Idempotency-Key it is answered again, not applied
//  - the role matrix: only a reimbursing organisation's key, on its own node (421
//    reimbursement.wrong_node elsewhere, naming the member to use)
//  - bad input -> 4xx problem naming the field, nothing submitted, state unchanged
#include <catch2/catch.hpp>

#include "tests/merchant/fixture.h"

namespace fapiao::api::merchant::test {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

// Invoices claimed by their buyers, one per payment R-1..R-n of vendor v-1.
std::vector<std::string> Invoices(World& w, int n) {
  std::vector<std::string> out = {IssueByClaim(w).number};
  for (int i = 2; i <= n; ++i) {
    const std::string ref = "R-" + std::to_string(i);
    auto p = w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody(ref).dump(),
                    w.Token("provider"));
    REQUIRE(p.status == 201);
    const json body{
        {"claim", {{"provider", kPayNode}, {"reference", ref}, {"token", p.body["claim_token"]}}},
        {"title", {{"type", "individual"}, {"name", "Li"}}}};
    auto r = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), "");
    REQUIRE(r.status == 201);
    out.push_back(r.body["invoice"]["number"]);
  }
  return out;
}

Reply Mark(World& w, const std::string& action, const std::string& number,
           const std::string& key = "org_a", uint32_t node = kOrgNode) {
  return w.Call(node, http::verb::post, "/v1/reimbursements",
                json{{"action", action}, {"invoice_number", number}}.dump(), w.Token(key));
}

json Marks(const std::vector<std::pair<std::string, std::string>>& marks) {
  json list = json::array();
  for (const auto& [action, number] : marks) {
    list.push_back({{"invoice_number", number}, {"action", action}});
  }
  return json{{"marks", list}};
}

std::string MarkOf(World& w, const std::string& number) {
  auto r = w.Call(kOpNode, http::verb::get, "/v1/reimbursements/" + number, "", w.Token("tax"));
  REQUIRE(r.status == 200);
  return r.body["mark"];
}

Reply OpenFull(World& w, const std::string& number) {
  return w.Call(kOpNode, http::verb::post, "/v1/red-letter-forms",
                json{{"invoice_number", number}, {"reason", 1}, {"full", true}}.dump(),
                w.Token("vendor"));
}

TEST_CASE("merchant: lock, unlock, lock, close; red-letter refused while locked or closed",
          "[merchant][reimbursement]") {
  World w;
  const std::string n = Invoices(w, 1)[0];
  // Before the lock the organisation cannot read the invoice.
  CHECK(w.Call(kOrgNode, http::verb::get, "/v1/invoices/" + n, "", w.Token("org_a")).status == 403);
  auto lock = Mark(w, "lock", n);
  REQUIRE(lock.status == 200);
  CHECK(lock.body["marks"] ==
        json::parse(R"([{"invoice_number":")" + n + R"(","mark":"locked"}])"));
  CHECK(lock.body["height"].get<uint64_t>() > 0);
  CHECK(lock.body["tx_id"].get<std::string>().size() == 64);
  auto g = w.Call(kOrgNode, http::verb::get, "/v1/reimbursements/" + n, "", w.Token("org_a"));
  REQUIRE(g.status == 200);
  CHECK(g.body["mark"] == "locked");
  CHECK(g.body["mark_org"] == kOrgNode);
  CHECK(g.body["used"] == true);
  CHECK(w.Call(kOrgNode, http::verb::get, "/v1/invoices/" + n, "", w.Token("org_a")).status == 200);
  CHECK(w.Call(kOrgNode, http::verb::get, "/v1/reimbursements/" + n, "", w.Token("org_b")).status ==
        403);

  auto before = w.Snapshot();
  uint64_t submits = w.submits();
  auto locked = OpenFull(w, n);
  CHECK(locked.status == 409);
  CHECK(locked.body["code"] == "redletter.invoice_locked");
  auto relock = Mark(w, "lock", n);
  CHECK(relock.status == 409);
  CHECK(relock.body["code"] == "mark.bad_transition");
  CHECK(relock.body["field"] == "/action");
  for (const char* action : {"unlock", "close"}) {
    INFO(action);
    auto other = Mark(w, action, n, "org_b", kOrgNodeB);
    CHECK(other.status == 403);
    CHECK(other.body["code"] == "mark.not_locking_org");
  }
  CHECK(w.Snapshot() == before);
  CHECK(w.submits() == submits);

  REQUIRE(Mark(w, "unlock", n).status == 200);
  CHECK(MarkOf(w, n) == "init");
  REQUIRE(Mark(w, "lock", n).status == 200);
  auto close = Mark(w, "close", n);
  REQUIRE(close.status == 200);
  CHECK(close.body["marks"][0]["mark"] == "closed");
  CHECK(MarkOf(w, n) == "closed");

  before = w.Snapshot();
  submits = w.submits();
  auto reimbursed = OpenFull(w, n);
  CHECK(reimbursed.status == 409);
  CHECK(reimbursed.body["code"] == "redletter.invoice_reimbursed");
  for (const char* action : {"lock", "unlock", "close"}) {
    INFO(action);
    auto r = Mark(w, action, n);
    CHECK(r.status == 409);
    CHECK(r.body["code"] == "mark.bad_transition");
  }
  CHECK(w.Snapshot() == before);
  CHECK(w.submits() == submits);
}

TEST_CASE("merchant: a batch is all-or-nothing and names the bad mark",
          "[merchant][reimbursement]") {
  World w;
  const auto n = Invoices(w, 3);
  const std::string unknown(20, '9');
  struct Bad {
    json body;
    int status;
    std::string code;
    std::string field;
  };
  const std::vector<Bad> bad = {
      {Marks({{"lock", n[0]}, {"lock", n[1]}, {"lock", unknown}}), 404, "invoice.unknown",
       "/marks/2/invoice_number"},
      {Marks({{"lock", n[0]}, {"lock", n[0]}}), 409, "mark.bad_transition", "/marks/1/action"},
      {Marks({{"lock", n[0]}, {"close", n[1]}, {"lock", n[2]}}), 409, "mark.bad_transition",
       "/marks/1/action"},
  };
  const auto before = w.Snapshot();
  const uint64_t submits = w.submits();
  for (const auto& b : bad) {
    INFO(b.body.dump());
    auto r =
        w.Call(kOrgNode, http::verb::post, "/v1/reimbursements", b.body.dump(), w.Token("org_a"));
    CHECK(r.status == b.status);
    CHECK(r.body["code"] == b.code);
    CHECK(r.body["field"] == b.field);
  }
  CHECK(w.Snapshot() == before);
  CHECK(w.submits() == submits);
  for (const auto& number : n) CHECK(MarkOf(w, number) == "init");

  // Applied in order over the batch's own writes: lock then close the same invoice.
  auto ok =
      w.Call(kOrgNode, http::verb::post, "/v1/reimbursements",
             Marks({{"lock", n[0]}, {"lock", n[1]}, {"close", n[0]}}).dump(), w.Token("org_a"));
  REQUIRE(ok.status == 200);
  CHECK(ok.body["marks"].size() == 3);
  CHECK(ok.body["marks"][0] == json{{"invoice_number", n[0]}, {"mark", "closed"}});
  CHECK(ok.body["marks"][1] == json{{"invoice_number", n[1]}, {"mark", "locked"}});
  CHECK(MarkOf(w, n[2]) == "init");
}

TEST_CASE("merchant: a batch retried with its Idempotency-Key is answered, not applied again",
          "[merchant][reimbursement]") {
  World w;
  const auto n = Invoices(w, 1);
  const std::string body = Marks({{"lock", n[0]}, {"close", n[0]}}).dump();
  const api::Fields key = {{"Idempotency-Key", "batch-1"}};
  auto first = w.Call(kOrgNode, http::verb::post, "/v1/reimbursements", body, w.Token("org_a"),
                      "application/json", key);
  REQUIRE(first.status == 200);
  const auto before = w.Snapshot();
  const uint64_t submits = w.submits();
  // Without the key the same batch is refused (CLOSED is final); with it, the first answer.
  auto again = w.Call(kOrgNode, http::verb::post, "/v1/reimbursements", body, w.Token("org_a"),
                      "application/json", key);
  CHECK(again.status == 200);
  CHECK(again.body["tx_id"] == first.body["tx_id"]);
  CHECK(again.body["marks"] == first.body["marks"]);
  CHECK(w.Snapshot() == before);
  CHECK(w.submits() == submits);
}

TEST_CASE("merchant: reimbursement role matrix and nodes", "[merchant][reimbursement]") {
  World w;
  const std::string n = Invoices(w, 1)[0];
  const auto before = w.Snapshot();
  const uint64_t submits = w.submits();
  for (const char* key : {"vendor", "vendor_other", "operator", "operator_other", "provider",
                          "provider_other", "tax"}) {
    for (const char* action : {"lock", "unlock", "close"}) {
      INFO(key << " " << action);
      auto r = Mark(w, action, n, key);
      CHECK(r.status == 403);
      CHECK(r.body["code"] == "auth.forbidden");
    }
  }
  // A reimbursing key whose organisation is no member index of a reimbursing organisation.
  auto foreign = Mark(w, "lock", n, "reimburser");
  CHECK(foreign.status == 403);
  CHECK(foreign.body["code"] == "auth.forbidden");
  // Another organisation's node, or a node that is no reimbursing organisation's.
  auto b_here = Mark(w, "lock", n, "org_b", kOrgNode);
  CHECK(b_here.status == 421);
  CHECK(b_here.body["code"] == "reimbursement.wrong_node");
  CHECK(b_here.body["detail"].get<std::string>().find("member 4") != std::string::npos);
  for (uint32_t node : {kOpNode, kPayNode}) {
    INFO(node);
    auto r = Mark(w, "lock", n, "org_a", node);
    CHECK(r.status == 421);
    CHECK(r.body["code"] == "reimbursement.wrong_node");
    CHECK(r.body["detail"].get<std::string>().find("member 3") != std::string::npos);
  }
  for (const std::string& token : {std::string(), std::string("nonsense")}) {
    auto r = w.Call(kOrgNode, http::verb::post, "/v1/reimbursements",
                    json{{"action", "lock"}, {"invoice_number", n}}.dump(), token);
    CHECK(r.status == 401);
    CHECK(r.www_authenticate == "Bearer realm=\"fapiao\"");
  }
  CHECK(w.Snapshot() == before);
  CHECK(w.submits() == submits);
  // The second organisation on its own node.
  auto b = Mark(w, "lock", n, "org_b", kOrgNodeB);
  CHECK(b.status == 200);
  auto g = w.Call(kOrgNodeB, http::verb::get, "/v1/reimbursements/" + n, "", w.Token("org_b"));
  CHECK(g.body["mark_org"] == kOrgNodeB);
}

TEST_CASE("merchant: bad reimbursement input names the field and changes nothing",
          "[merchant][reimbursement]") {
  World w;
  const std::string n = Invoices(w, 1)[0];
  json oversized = json{{"marks", json::array()}};
  for (int i = 0; i < 501; ++i) {
    oversized["marks"].push_back({{"invoice_number", n}, {"action", "lock"}});
  }
  struct Case {
    std::string body;
    int status;
    std::string code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"{", 400, "request.malformed_json", ""},
      {"[1]", 400, "request.not_object", ""},
      {json{{"action", "lock"}, {"invoice_number", n}, {"colour", 1}}.dump(), 400,
       "request.unknown_field", "/colour"},
      {json{{"action", 1}, {"invoice_number", n}}.dump(), 400, "request.wrong_type", "/action"},
      {json{{"action", "lock"}, {"invoice_number", 12}}.dump(), 400, "request.wrong_type",
       "/invoice_number"},
      {json{{"action", "void"}, {"invoice_number", n}}.dump(), 422, "request.invalid_field",
       "/action"},
      {json{{"action", "lock"}, {"invoice_number", "123"}}.dump(), 422, "request.invalid_field",
       "/invoice_number"},
      {json{{"action", "lock"}}.dump(), 400, "request.missing_field", "/invoice_number"},
      {json{{"invoice_number", n}}.dump(), 400, "request.missing_field", "/action"},
      {"{}", 400, "request.missing_field", "/action"},
      {json{{"action", "lock"}, {"invoice_number", std::string(20, '8')}}.dump(), 404,
       "invoice.unknown", "/invoice_number"},
      {json{{"marks", json::array()}}.dump(), 422, "request.invalid_field", "/marks"},
      {oversized.dump(), 422, "request.invalid_field", "/marks"},
      {json{{"marks", "all"}}.dump(), 400, "request.wrong_type", "/marks"},
      {json{{"marks", json::array({{{"invoice_number", n}, {"action", "lock"}}})},
            {"action", "lock"}}
           .dump(),
       422, "request.invalid_field", "/action"},
      {Marks({{"lock", n}, {"destroy", n}}).dump(), 422, "request.invalid_field",
       "/marks/1/action"},
      {json{{"marks", json::array({{{"invoice_number", n}}})}}.dump(), 400, "request.missing_field",
       "/marks/0/action"},
      {json{{"marks", json::array({{{"invoice_number", n}, {"action", "lock"}, {"x", 1}}})}}.dump(),
       400, "request.unknown_field", "/marks/0/x"},
      {json{{"marks", json::array({7})}}.dump(), 400, "request.wrong_type", "/marks/0"},
  };
  const auto before = w.Snapshot();
  const uint64_t submits = w.submits();
  for (const auto& c : cases) {
    INFO(c.body.substr(0, 200));
    auto r = w.Call(kOrgNode, http::verb::post, "/v1/reimbursements", c.body, w.Token("org_a"));
    CheckProblem(r, c.status, c.code, c.field);
  }
  CHECK(w.Snapshot() == before);
  CHECK(w.submits() == submits);
}

}  // namespace
}  // namespace fapiao::api::merchant::test
