// GET /v1/tax/invoices over real contracts: filters, stable cursor pagination,
// refused parameters naming the parameter, the role rules (tax officers only;
// officers cannot write), and every officer query recorded in the audit log.
#include <catch2/catch.hpp>

#include <ctime>
#include <set>
#include <sstream>

#include "tests/tax/fixture.h"

namespace fapiao::api::tax::test {
namespace {

namespace http = boost::beast::http;
using merchant::test::kOpNode;
using merchant::test::kPayNode;
using merchant::test::PaymentBody;
using merchant::test::VendorBody;
using nlohmann::json;

// v-1 (5 sales of 1000..5000 fen) and v-2 (2 sales of 600 and 700 fen, another taxpayer
// id), both in M1, each sale claimed by its buyer: 7 blue invoices.
void Seed(World& w) {
  REQUIRE(w.Call(kOpNode, http::verb::post, "/v1/vendors", VendorBody("v-1").dump(),
                 w.Token("operator"))
              .status == 201);
  json v2 = VendorBody("v-2");
  v2["taxpayer_id"]["value"] = contracts::test::MakeUscc(7654321);
  REQUIRE(w.Call(kOpNode, http::verb::post, "/v1/vendors", v2.dump(), w.Token("operator")).status ==
          201);
  const auto sale = [&](const std::string& vendor, const std::string& ref, int64_t fen) {
    json p = PaymentBody(ref, fen);
    p["vendor_id"] = vendor;
    auto r = w.Call(kPayNode, http::verb::post, "/v1/payments", p.dump(), w.Token("provider"));
    REQUIRE(r.status == 201);
    const json claim{
        {"claim", {{"provider", kPayNode}, {"reference", ref}, {"token", r.body["claim_token"]}}},
        {"title", {{"type", "individual"}, {"name", "Li"}}}};
    REQUIRE(w.Call(kOpNode, http::verb::post, "/v1/invoices", claim.dump(), "").status == 201);
  };
  for (int i = 1; i <= 5; ++i) sale("v-1", "R-" + std::to_string(i), 1000 * i);
  sale("v-2", "S-1", 600);
  sale("v-2", "S-2", 700);
}

std::vector<std::string> Numbers(const json& body) {
  std::vector<std::string> out;
  for (const auto& inv : body["invoices"]) out.push_back(inv["number"]);
  return out;
}

// Every page of `target` (which has a '?') with `limit`; fails on a non-200.
std::vector<json> AllPages(TaxWorld& t, const std::string& target, int limit) {
  std::vector<json> out;
  std::string cursor;
  for (int page = 0; page < 50; ++page) {
    std::string url = target + "&limit=" + std::to_string(limit);
    if (!cursor.empty()) url += "&cursor=" + cursor;
    auto r = t.Get(url, t.Token("tax"));
    REQUIRE(r.status == 200);
    CHECK(r.body["invoices"].size() <= static_cast<size_t>(limit));
    for (const auto& inv : r.body["invoices"]) out.push_back(inv);
    if (!r.body.contains("next_cursor")) return out;
    CHECK(r.body["invoices"].size() == static_cast<size_t>(limit));
    cursor = r.body["next_cursor"];
  }
  FAIL("pagination did not end");
  return out;
}

std::string Rfc3339(uint64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03uZ", buf, static_cast<unsigned>(ms % 1000));
  return out;
}

TEST_CASE("tax search: filters", "[tax][search]") {
  TaxWorld t;
  Seed(t.world());
  const auto get = [&](const std::string& q) {
    auto r = t.Get("/v1/tax/invoices" + q, t.Token("tax"));
    REQUIRE(r.status == 200);
    return r.body;
  };
  const json all = get("");
  REQUIRE(all["invoices"].size() == 7);
  CHECK_FALSE(all.contains("next_cursor"));
  for (const auto& inv : all["invoices"]) {
    CHECK(inv["kind"] == "blue");
    CHECK(inv["mark"] == "init");
    CHECK(inv.contains("check_code"));
  }
  CHECK(get("?vendor=v-1")["invoices"].size() == 5);
  CHECK(get("?vendor=v-2")["invoices"].size() == 2);
  CHECK(get("?vendor=v-9")["invoices"].empty());
  CHECK(get("?market=M1")["invoices"].size() == 7);
  CHECK(get("?market=M2")["invoices"].empty());
  CHECK(get("?market=M1&vendor=v-2")["invoices"].size() == 2);
  const auto v2 = get("?taxpayer_id=" + contracts::test::MakeUscc(7654321));
  REQUIRE(v2["invoices"].size() == 2);
  for (const auto& inv : v2["invoices"]) CHECK(inv["vendor_id"] == "v-2");

  const auto amounts = get("?min_fen=2000&max_fen=4000");
  std::multiset<int64_t> totals;
  for (const auto& inv : amounts["invoices"]) totals.insert(inv["total_fen"].get<int64_t>());
  CHECK(totals == std::multiset<int64_t>{2000, 3000, 4000});
  CHECK(get("?min_fen=650")["invoices"].size() == 6);

  CHECK(get("?status=blue")["invoices"].size() == 7);
  CHECK(get("?status=red")["invoices"].empty());
  CHECK(get("?status=locked")["invoices"].empty());
  CHECK(get("?status=closed")["invoices"].empty());
  CHECK(get("?treatment=exempt")["invoices"].size() == 7);  // the vendors' default line
  CHECK(get("?treatment=taxable")["invoices"].empty());
  CHECK(get("?rate_bp=0")["invoices"].size() == 7);
  CHECK(get("?rate_bp=300")["invoices"].empty());

  // Period: issued times, from/to inclusive; a date is a whole China-time day.
  const auto v1 = get("?vendor=v-1")["invoices"];
  const uint64_t third = v1[2]["issued_at_ms"];
  CHECK(get("?vendor=v-1&from=" + Rfc3339(third))["invoices"].size() == 3);
  CHECK(get("?vendor=v-1&to=" + Rfc3339(third))["invoices"].size() == 3);
  CHECK(get("?from=" + Rfc3339(third) + "&to=" + Rfc3339(third))["invoices"].size() == 1);
  const std::string d = v1[0]["date"];  // YYYYMMDD
  const std::string day = d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
  CHECK(get("?vendor=v-1&from=" + day + "&to=" + day)["invoices"].size() == 5);
  CHECK(get("?from=2099-01-01")["invoices"].empty());
  CHECK(get("?to=2001-01-01")["invoices"].empty());
}

TEST_CASE("tax search: cursor pages are stable, without gaps or duplicates", "[tax][search]") {
  TaxWorld t;
  Seed(t.world());
  for (const std::string target : {"/v1/tax/invoices?status=blue", "/v1/tax/invoices?vendor=v-1",
                                   "/v1/tax/invoices?market=M1"}) {
    INFO(target);
    auto whole = t.Get(target + "&limit=500", t.Token("tax"));
    REQUIRE(whole.status == 200);
    const auto expected = Numbers(whole.body);
    for (int limit : {1, 2, 3}) {
      const auto pages = AllPages(t, target, limit);
      std::vector<std::string> got;
      for (const auto& inv : pages) got.push_back(inv["number"]);
      CHECK(got == expected);
    }
    if (target.find("status") == std::string::npos) {  // the time index: issued-time order
      for (size_t i = 1; i < whole.body["invoices"].size(); ++i) {
        CHECK(whole.body["invoices"][i - 1]["issued_at_ms"] <=
              whole.body["invoices"][i]["issued_at_ms"]);
      }
    }
  }
  // The same page twice is the same page.
  auto a = t.Get("/v1/tax/invoices?limit=3", t.Token("tax"));
  auto b = t.Get("/v1/tax/invoices?limit=3", t.Token("tax"));
  CHECK(a.body == b.body);
  // A cursor of another index is refused.
  auto vendor_page = t.Get("/v1/tax/invoices?vendor=v-1&limit=1", t.Token("tax"));
  REQUIRE(vendor_page.body.contains("next_cursor"));
  auto wrong = t.Get(
      "/v1/tax/invoices?market=M1&cursor=" + vendor_page.body["next_cursor"].get<std::string>(),
      t.Token("tax"));
  CHECK(wrong.status == 422);
  CHECK(wrong.body["field"] == "cursor");
}

TEST_CASE("tax search: bad parameters are 4xx naming the parameter", "[tax][search]") {
  TaxWorld t;
  const std::vector<std::tuple<std::string, int, std::string>> cases = {
      {"limit=0", 422, "limit"},       {"limit=501", 422, "limit"},
      {"limit=ten", 422, "limit"},     {"from=yesterday", 422, "from"},
      {"to=2026-13-01", 422, "to"},    {"from=2026-11-21&to=2026-11-20", 422, "to"},
      {"status=green", 422, "status"}, {"rate_bp=-1", 422, "rate_bp"},
      {"rate_bp=1.5", 422, "rate_bp"}, {"treatment=free", 422, "treatment"},
      {"min_fen=abc", 422, "min_fen"}, {"min_fen=10&max_fen=5", 422, "max_fen"},
      {"cursor=zz", 422, "cursor"},    {"vendor=", 422, "vendor"},
      {"colour=red", 400, "colour"},
  };
  for (const auto& [query, status, field] : cases) {
    INFO(query);
    auto r = t.Get("/v1/tax/invoices?" + query, t.Token("tax"));
    CHECK(r.status == status);
    CHECK(r.content_type == "application/problem+json");
    CHECK(r.body["field"] == field);
    CHECK(r.body["code"] ==
          (status == 400 ? "request.unknown_parameter" : "request.invalid_parameter"));
  }
}

TEST_CASE("tax routes: only a tax officer, and an officer cannot write", "[tax][auth]") {
  TaxWorld t;
  for (const std::string route : {"/v1/tax/invoices", "/v1/tax/audit"}) {
    for (const std::string key : {"vendor", "vendor_other", "operator", "operator_other",
                                  "provider", "provider_other", "reimburser", "org_a"}) {
      INFO(route << " " << key);
      auto r = t.Get(route, t.Token(key));
      CHECK(r.status == 403);
      CHECK(r.body["code"] == "auth.forbidden");
    }
    auto anonymous = t.Get(route, "");
    CHECK(anonymous.status == 401);
    CHECK_FALSE(anonymous.www_authenticate.empty());
    CHECK(t.Get(route, "fpk_not_a_key").status == 401);
    CHECK(t.Get(route, t.Token("tax")).status == 200);
  }
  // Refused callers are not officer queries: only the two officer queries were recorded.
  CHECK(t.audit().size() == 2);

  World& w = t.world();
  const auto before = w.Snapshot();
  auto write =
      w.Call(kOpNode, http::verb::post, "/v1/vendors", VendorBody("v-1").dump(), w.Token("tax"));
  CHECK(write.status == 403);
  CHECK(write.body["code"] == "auth.forbidden");
  auto pay =
      w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody("R-1").dump(), w.Token("tax"));
  CHECK(pay.status == 403);
  CHECK(w.Snapshot() == before);
}

TEST_CASE("tax audit: every officer query is recorded, chained and exported", "[tax][audit]") {
  TaxWorld t;
  const std::vector<std::string> targets = {"/v1/tax/invoices?vendor=v-1",
                                            "/v1/tax/invoices?limit=0",  // refused, still asked
                                            "/v1/tax/invoices?market=M1&status=blue"};
  for (const auto& target : targets) t.Get(target, t.Token("tax"));
  auto r = t.Get("/v1/tax/audit", t.Token("tax"));
  REQUIRE(r.status == 200);
  CHECK(r.content_type == "application/x-ndjson");
  std::vector<json> lines;
  std::istringstream in(r.raw);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  REQUIRE(lines.size() == 4);  // the export itself is recorded before it is answered
  std::string prev(64, '0');
  for (size_t i = 0; i < lines.size(); ++i) {
    CHECK(lines[i]["seq"] == i + 1);
    CHECK(lines[i]["prev"] == prev);
    CHECK(lines[i]["officer"] == "officer-7");
    CHECK(lines[i]["method"] == "GET");
    CHECK(lines[i]["at_ms"].get<uint64_t>() > 0);
    CHECK_FALSE(lines[i]["key_id"].get<std::string>().empty());
    CHECK(lines[i]["target"] == (i < targets.size() ? targets[i] : "/v1/tax/audit"));
    prev = lines[i]["hash"];
  }
  // The file on disk verifies as a chain.
  auto reopened = FileAuditLog::Open(t.audit_path().string());
  REQUIRE(reopened.ok());
  CHECK((*reopened)->size() == 4);
}

// An AuditLog that cannot write: the query is not answered.
class BrokenLog final : public AuditLog {
 public:
  Status Append(const AuditEntry&) override {
    return Status::Error("audit.write_failed", "disk full");
  }
};

TEST_CASE("tax routes: a query that cannot be recorded is not answered", "[tax][audit]") {
  World w;
  BrokenLog log;
  Router router;
  AddTaxRoutes(router, {&w.committed(), &w.keys(), &log, 1});
  api::testing::ServerFixture server(std::move(router));
  api::testing::TestClient client(server.port());
  auto req = api::testing::MakeRequest(http::verb::get, "/v1/tax/invoices");
  req.set(http::field::authorization, "Bearer " + w.Token("tax"));
  REQUIRE_FALSE(client.Send(std::move(req)));
  api::testing::ClientResponse res;
  REQUIRE_FALSE(client.Read(res));
  CHECK(res.result_int() == 503);
  CHECK(json::parse(res.body())["code"] == "audit.unavailable");
}

}  // namespace
}  // namespace fapiao::api::tax::test
