// Statistics routes (api/tax/stats.cc) over real contracts: invoices issued through
// the merchant HTTP routes, read back from the per-day aggregates.
//  - a vendor's day buckets match the invoices issued (blue, tax, counts, by_rate);
//    a red invoice reduces net on its own day; month buckets are calendar months
//    clipped to the range; empty days are present with zeros
//  - GET /v1/tax/stats grouped by market (every market), rate and treatment
//  - the scoped routes answer the same body: the vendor itself and its market's
//    operator; another vendor, another market's operator, a payment provider 403
//  - officers' queries are recorded in the audit log; nothing changes state
//  - ranges of at most 366 days; bad parameters are problems naming the parameter
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "tests/tax/fixture.h"

namespace fapiao::api::tax::test {
namespace {

namespace http = boost::beast::http;
using merchant::test::CheckProblem;
using merchant::test::kOpNode;
using merchant::test::kPayNode;
using merchant::test::PaymentBody;
using merchant::test::VendorBody;
using nlohmann::json;

constexpr uint64_t kDayMs = 24ULL * 3600 * 1000;

std::string Attest(World& w, const std::string& ref, int64_t fen) {
  auto p = w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody(ref, fen).dump(),
                  w.Token("provider"));
  REQUIRE(p.status == 201);
  return p.body["claim_token"];
}

json Claim(const std::string& ref, const std::string& token) {
  return json{{"provider", kPayNode}, {"reference", ref}, {"token", token}};
}

json Individual() {
  return json{{"type", "individual"}, {"name", "Li"}};
}

// The buyer's claim issues the default line (exempt, rate 0) for the whole payment.
std::string BuyerIssue(World& w, const std::string& ref, int64_t fen) {
  const std::string token = Attest(w, ref, fen);
  const json body{{"claim", Claim(ref, token)}, {"title", Individual()}};
  auto r = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), "");
  REQUIRE(r.status == 201);
  return r.body["invoice"]["number"];
}

// The vendor issues one taxable 3% line: 1000 fen + 30 fen tax from a 1030 fen payment.
std::string VendorIssueTaxable(World& w, const std::string& ref) {
  const std::string token = Attest(w, ref, 1030);
  const json body{
      {"claim", Claim(ref, token)},
      {"title", Individual()},
      {"allocations", {{{"provider", kPayNode}, {"reference", ref}, {"amount_fen", 1030}}}},
      {"lines",
       {{{"name", "noodles"},
         {"item_class", "cooked"},
         {"amount_fen", 1000},
         {"treatment", {{"treatment", "taxable"}, {"rate_bp", 300}}}}}}};
  auto r = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), w.Token("vendor"));
  REQUIRE(r.status == 201);
  CHECK(r.body["invoice"]["tax_fen"] == 30);
  return r.body["invoice"]["number"];
}

void RedLetterFull(World& w, const std::string& number) {
  const json body{{"invoice_number", number}, {"reason", "return"}, {"full", true}};
  auto r =
      w.Call(kOpNode, http::verb::post, "/v1/red-letter-forms", body.dump(), w.Token("vendor"));
  REQUIRE(r.status == 201);
  REQUIRE(r.body["red_invoice"]["total_fen"] == -1250);
}

// v-1 and v-2 in M1. On 2026-11-20 (China time): A (exempt, 1250) by the buyer and
// B (taxable 3%, 1000 + 30) by the vendor. On 2026-11-21: A red-lettered in full
// (-1250). On 2026-12-06: C (exempt, 800).
void Trade(TaxWorld& t) {
  World& w = t.world();
  for (const char* id : {"v-1", "v-2"}) {
    REQUIRE(
        w.Call(kOpNode, http::verb::post, "/v1/vendors", VendorBody(id).dump(), w.Token("operator"))
            .status == 201);
  }
  const std::string a = BuyerIssue(w, "R-1", 1250);
  VendorIssueTaxable(w, "R-2");
  w.AdvanceClock(kDayMs);
  RedLetterFull(w, a);
  w.AdvanceClock(15 * kDayMs);
  BuyerIssue(w, "R-3", 800);
}

json Stats(int64_t blue, int64_t red, int64_t blue_tax, int blue_count, int red_count,
           json by_rate) {
  return json{{"blue_total_fen", blue},
              {"red_total_fen", red},
              {"net_total_fen", blue + red},
              {"blue_tax_fen", blue_tax},
              {"red_tax_fen", 0},
              {"blue_count", blue_count},
              {"red_count", red_count},
              {"by_rate", std::move(by_rate)}};
}

json Bucket(int64_t rate, const std::string& treatment, int64_t amount, int64_t tax) {
  return json{
      {"rate_bp", rate}, {"treatment", treatment}, {"amount_fen", amount}, {"tax_fen", tax}};
}

// The statistics part of a bucket (without period, from, to).
json StatsOf(json bucket) {
  for (const char* k : {"period", "from", "to"}) bucket.erase(k);
  return bucket;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kDays = "/v1/tax/vendors/v-1/stats?period=day&from=2026-11-20&to=2026-11-21";

TEST_CASE(
    "tax stats: a vendor's day buckets match the invoices issued and a red invoice reduces net",
    "[tax][stats]") {
  TaxWorld t;
  Trade(t);
  auto r = t.Get(kDays, t.Token("tax"));
  REQUIRE(r.status == 200);
  CHECK(r.body["vendor_id"] == "v-1");
  CHECK(r.body["market"] == "M1");
  CHECK(r.body["period"] == "day");
  CHECK(r.body["timezone"] == "+08:00");
  const json& buckets = r.body["buckets"];
  REQUIRE(buckets.size() == 2);
  CHECK(buckets[0]["period"] == "2026-11-20");
  CHECK(buckets[0]["from"] == "2026-11-20");
  CHECK(buckets[0]["to"] == "2026-11-20");
  CHECK(StatsOf(buckets[0]) ==
        Stats(2280, 0, 30, 2, 0, {Bucket(0, "exempt", 1250, 0), Bucket(300, "taxable", 1000, 30)}));
  CHECK(buckets[1]["period"] == "2026-11-21");
  CHECK(StatsOf(buckets[1]) == Stats(0, -1250, 0, 0, 1, {Bucket(0, "exempt", -1250, 0)}));
  CHECK(buckets[1]["net_total_fen"] == -1250);
  CHECK(r.body["totals"] == Stats(2280, -1250, 30, 2, 1,
                                  {Bucket(0, "exempt", 0, 0), Bucket(300, "taxable", 1000, 30)}));
  CHECK(r.body["totals"]["net_total_fen"] == 1030);

  // Days without invoices are buckets of zeros; another vendor's are all zeros.
  auto quiet = t.Get("/v1/tax/vendors/v-1/stats?from=2026-11-22&to=2026-11-24", t.Token("tax"));
  REQUIRE(quiet.status == 200);
  CHECK(quiet.body["period"] == "day");
  REQUIRE(quiet.body["buckets"].size() == 3);
  CHECK(StatsOf(quiet.body["buckets"][2]) == Stats(0, 0, 0, 0, 0, json::array()));
  auto other = t.Get("/v1/tax/vendors/v-2/stats?from=2026-11-20&to=2026-12-31", t.Token("tax"));
  REQUIRE(other.status == 200);
  CHECK(other.body["totals"] == Stats(0, 0, 0, 0, 0, json::array()));
}

TEST_CASE("tax stats: month buckets are calendar months clipped to the range", "[tax][stats]") {
  TaxWorld t;
  Trade(t);
  auto r =
      t.Get("/v1/tax/vendors/v-1/stats?period=month&from=2026-11-15&to=2026-12-31", t.Token("tax"));
  REQUIRE(r.status == 200);
  CHECK(r.body["period"] == "month");
  const json& buckets = r.body["buckets"];
  REQUIRE(buckets.size() == 2);
  CHECK(buckets[0]["period"] == "2026-11");
  CHECK(buckets[0]["from"] == "2026-11-15");
  CHECK(buckets[0]["to"] == "2026-11-30");
  CHECK(
      StatsOf(buckets[0]) ==
      Stats(2280, -1250, 30, 2, 1, {Bucket(0, "exempt", 0, 0), Bucket(300, "taxable", 1000, 30)}));
  CHECK(buckets[1]["period"] == "2026-12");
  CHECK(buckets[1]["from"] == "2026-12-01");
  CHECK(buckets[1]["to"] == "2026-12-31");
  CHECK(StatsOf(buckets[1]) == Stats(800, 0, 0, 1, 0, {Bucket(0, "exempt", 800, 0)}));
  CHECK(r.body["totals"]["net_total_fen"] == 1830);

  // The same range by day: 42 buckets with the same totals.
  auto days =
      t.Get("/v1/tax/vendors/v-1/stats?period=day&from=2026-11-15&to=2026-12-31", t.Token("tax"));
  REQUIRE(days.status == 200);
  CHECK(days.body["buckets"].size() == 47);
  CHECK(days.body["totals"] == r.body["totals"]);
  CHECK(days.body["buckets"][21]["period"] == "2026-12-06");
  CHECK(days.body["buckets"][21]["blue_total_fen"] == 800);

  // Within one month the bucket is the range itself.
  auto part =
      t.Get("/v1/tax/vendors/v-1/stats?period=month&from=2026-11-21&to=2026-11-21", t.Token("tax"));
  REQUIRE(part.status == 200);
  REQUIRE(part.body["buckets"].size() == 1);
  CHECK(part.body["buckets"][0]["from"] == "2026-11-21");
  CHECK(part.body["buckets"][0]["red_total_fen"] == -1250);
}

TEST_CASE("tax stats: totals grouped by market, rate and treatment", "[tax][stats]") {
  TaxWorld t;
  Trade(t);
  const std::string range = "&from=2026-11-01&to=2026-12-31";
  auto m = t.Get("/v1/tax/stats?group_by=market" + range, t.Token("tax"));
  REQUIRE(m.status == 200);
  CHECK(m.body["group_by"] == "market");
  const json all =
      Stats(3080, -1250, 30, 3, 1, {Bucket(0, "exempt", 800, 0), Bucket(300, "taxable", 1000, 30)});
  // Every market some member keeps, sorted; M2 had no sales.
  REQUIRE(m.body["groups"].size() == 2);
  CHECK(m.body["groups"][0]["market"] == "M1");
  json m1 = m.body["groups"][0];
  m1.erase("market");
  CHECK(m1 == all);
  CHECK(m.body["groups"][1]["market"] == "M2");
  CHECK(m.body["groups"][1]["net_total_fen"] == 0);
  CHECK(m.body["totals"] == all);

  auto rate = t.Get("/v1/tax/stats?group_by=rate" + range, t.Token("tax"));
  REQUIRE(rate.status == 200);
  CHECK(rate.body["groups"] == json::parse(R"([{"rate_bp":0,"amount_fen":800,"tax_fen":0},
                                               {"rate_bp":300,"amount_fen":1000,"tax_fen":30}])"));
  CHECK(rate.body["totals"] == all);

  auto treatment = t.Get("/v1/tax/stats?group_by=treatment" + range, t.Token("tax"));
  REQUIRE(treatment.status == 200);
  CHECK(treatment.body["groups"] ==
        json::parse(R"([{"treatment":"taxable","amount_fen":1000,"tax_fen":30},
                        {"treatment":"exempt","amount_fen":800,"tax_fen":0}])"));

  // Only the days asked for: 2026-11-21 holds the red invoice alone.
  auto day = t.Get("/v1/tax/stats?group_by=market&from=2026-11-21&to=2026-11-21", t.Token("tax"));
  REQUIRE(day.status == 200);
  CHECK(day.body["totals"] == Stats(0, -1250, 0, 0, 1, {Bucket(0, "exempt", -1250, 0)}));
}

TEST_CASE("tax stats: scoped routes answer the same aggregates to the vendor and its operator",
          "[tax][stats]") {
  TaxWorld t;
  Trade(t);
  auto officer = t.Get(kDays, t.Token("tax"));
  REQUIRE(officer.status == 200);
  const std::string scoped = "/v1/vendors/v-1/stats?period=day&from=2026-11-20&to=2026-11-21";
  for (const char* key : {"vendor", "operator", "tax"}) {
    INFO(key);
    auto r = t.Get(scoped, t.Token(key));
    REQUIRE(r.status == 200);
    CHECK(r.body == officer.body);
  }
  for (const char* key : {"vendor_other", "operator_other", "provider", "reimburser"}) {
    INFO(key);
    auto r = t.Get(scoped, t.Token(key));
    CHECK(r.status == 403);
    CHECK(r.body["code"] == "auth.forbidden");
  }
  CHECK(t.Get(scoped, "").status == 401);

  const std::string market = "/v1/markets/M1/stats?period=month&from=2026-11-01&to=2026-12-31";
  auto op = t.Get(market, t.Token("operator"));
  REQUIRE(op.status == 200);
  CHECK(op.body["market"] == "M1");
  CHECK(op.body["totals"]["net_total_fen"] == 1830);
  CHECK(op.body["buckets"].size() == 2);
  auto tax = t.Get(market, t.Token("tax"));
  REQUIRE(tax.status == 200);
  CHECK(tax.body == op.body);
  for (const char* key : {"operator_other", "vendor", "provider", "reimburser"}) {
    INFO(key);
    auto r = t.Get(market, t.Token(key));
    CHECK(r.status == 403);
    CHECK(r.body["code"] == "auth.forbidden");
  }
  auto m2 = t.Get("/v1/markets/M2/stats?from=2026-11-01&to=2026-12-31", t.Token("operator_other"));
  REQUIRE(m2.status == 200);
  CHECK(m2.body["totals"]["net_total_fen"] == 0);
}

TEST_CASE("tax stats: officer routes refuse other roles, record officers, change nothing",
          "[tax][stats]") {
  TaxWorld t;
  Trade(t);
  const std::string grouped = "/v1/tax/stats?group_by=rate&from=2026-11-01&to=2026-11-30";
  for (const std::string& target : {kDays, grouped}) {
    for (const char* key : {"vendor", "operator", "provider", "reimburser"}) {
      INFO(target << " " << key);
      auto r = t.Get(target, t.Token(key));
      CHECK(r.status == 403);
      CHECK(r.body["code"] == "auth.forbidden");
    }
    auto anonymous = t.Get(target, "");
    CHECK(anonymous.status == 401);
    CHECK(anonymous.www_authenticate.find("Bearer") != std::string::npos);
  }
  CHECK(Count(ReadFile(t.audit_path()), "/stats") == 0);

  const auto before = t.world().Snapshot();
  const uint64_t submits = t.world().submits();
  CHECK(t.Get(kDays, t.Token("tax")).status == 200);
  CHECK(t.Get(grouped, t.Token("tax")).status == 200);
  CHECK(t.Get("/v1/vendors/v-1/stats?from=2026-11-20&to=2026-11-20", t.Token("tax")).status == 200);
  CHECK(t.Get("/v1/markets/M1/stats?from=2026-11-20&to=2026-11-20", t.Token("operator")).status ==
        200);
  const std::string log = ReadFile(t.audit_path());
  CHECK(Count(log, "/stats") == 3);  // the officer's three queries, not the operator's
  CHECK(Count(log, "officer-7") == 3);
  CHECK(t.world().Snapshot() == before);
  CHECK(t.world().submits() == submits);
}

TEST_CASE("tax stats: ranges of at most 366 days and bad parameters named", "[tax][stats]") {
  TaxWorld t;
  Trade(t);
  const std::string tax = t.Token("tax");
  // 2026-01-01..2027-01-01 is 366 days; one more is refused.
  auto longest = t.Get("/v1/tax/vendors/v-1/stats?from=2026-01-01&to=2027-01-01", tax);
  REQUIRE(longest.status == 200);
  CHECK(longest.body["buckets"].size() == 366);
  CHECK(longest.body["totals"]["net_total_fen"] == 1830);

  struct Case {
    std::string target;
    int status;
    std::string code;
    std::string field;
  };
  const std::string v = "/v1/tax/vendors/v-1/stats?";
  const std::vector<Case> cases = {
      {v + "from=2026-01-01&to=2027-01-02", 422, "stats.range_too_long", "to"},
      {v + "from=2026-11-21&to=2026-11-20", 422, "stats.range_reversed", "to"},
      {v + "to=2026-11-20", 400, "request.invalid_query", "from"},
      {v + "from=2026-11-20", 400, "request.invalid_query", "to"},
      {v + "from=2026-02-30&to=2026-03-01", 400, "request.invalid_query", "from"},
      {v + "from=2026-11-20&to=20261121", 400, "request.invalid_query", "to"},
      {v + "from=2026-11-20&to=2026-11-2x", 400, "request.invalid_query", "to"},
      {v + "period=week&from=2026-11-20&to=2026-11-21", 400, "request.invalid_query", "period"},
      {v + "from=2026-11-20&to=2026-11-21&market=M1", 400, "request.invalid_query", "market"},
      {"/v1/tax/vendors/v-9/stats?from=2026-11-20&to=2026-11-21", 404, "vendor.unknown", ""},
      {"/v1/vendors/v-9/stats?from=2026-11-20&to=2026-11-21", 404, "vendor.unknown", ""},
      {"/v1/markets/M9/stats?from=2026-11-20&to=2026-11-21", 404, "market.unknown", ""},
      {"/v1/tax/stats?from=2026-11-20&to=2026-11-21", 400, "request.invalid_query", "group_by"},
      {"/v1/tax/stats?group_by=vendor&from=2026-11-20&to=2026-11-21", 400, "request.invalid_query",
       "group_by"},
      {"/v1/tax/stats?group_by=rate&from=2025-11-20&to=2026-11-21", 422, "stats.range_too_long",
       "to"},
      {"/v1/tax/stats?group_by=rate&period=day&from=2026-11-20&to=2026-11-21", 400,
       "request.invalid_query", "period"},
      {"/v1/markets/M1/stats?from=2026-11-20", 400, "request.invalid_query", "to"},
  };
  const auto before = t.world().Snapshot();
  for (const Case& c : cases) {
    INFO(c.target);
    auto r = t.Get(c.target, tax);
    CheckProblem(r, c.status, c.code, c.field);
  }
  CHECK(t.world().Snapshot() == before);
}

}  // namespace
}  // namespace fapiao::api::tax::test
