// Anomaly reports (GET /v1/tax/anomalies, api/tax/anomal*) over real contracts:
// sales made through the merchant HTTP routes, then one report per kind. Each
// kind finds its planted case with the evidence (invoice numbers, payment ids,
// figures) and leaves a clean neighbour alone:
//  - uninvoiced_payment: due only `days` after payment, measured at the last block
//  - over_payment: an over-issue is refused by the contract (invoice.exceeds_payment)
//    and the report then proves, with its counts, that nothing exceeds its payment
//  - duplicate (same buyer, total, lines within the window), split_below_threshold,
//    small_scale_over_limit (month and year), red_letter_rate, red_after_reimbursement,
//    exemption_mismatch, off_hours (and the limit: truncated)
//  - only a tax officer; every officer query recorded; bad parameters are 400
//    problems naming the parameter; no report changes state
#include <catch2/catch.hpp>

#include "api/tax/anomaly_report.h"
#include "contracts/keys.h"
#include "tests/contracts/harness.h"
#include "tests/tax/fixture.h"

namespace fapiao::api::tax::test {
namespace {

namespace http = boost::beast::http;
using merchant::test::CheckProblem;
using merchant::test::kOpNode;
using merchant::test::kOrgNode;
using merchant::test::kPayNode;
using merchant::test::PaymentBody;
using merchant::test::VendorBody;
using nlohmann::json;

constexpr uint64_t kHourMs = 3'600'000;
constexpr uint64_t kDayMs = 24 * kHourMs;

void Register(World& w, const std::string& id, json body = {}) {
  if (body.is_null()) body = VendorBody(id);
  REQUIRE(
      w.Call(kOpNode, http::verb::post, "/v1/vendors", body.dump(), w.Token("operator")).status ==
      201);
}

// Attests `ref` to `vendor`; the claim token.
std::string Attest(World& w, const std::string& ref, int64_t fen,
                   const std::string& vendor = "v-1") {
  json body = PaymentBody(ref, fen);
  body["vendor_id"] = vendor;
  auto p = w.Call(kPayNode, http::verb::post, "/v1/payments", body.dump(), w.Token("provider"));
  REQUIRE(p.status == 201);
  return p.body["claim_token"];
}

json Claim(const std::string& ref, const std::string& token) {
  return json{{"provider", kPayNode}, {"reference", ref}, {"token", token}};
}

json Org(uint32_t serial) {
  return json{{"type", "organisation"},
              {"name", "Org " + std::to_string(serial)},
              {"taxpayer_id", {{"kind", "uscc"}, {"value", contracts::test::MakeUscc(serial)}}}};
}

json Individual() {
  return json{{"type", "individual"}, {"name", "Li"}};
}

struct Sold {
  std::string number;
  std::string secret;  // the buyer's auth secret
};

// The buyer claims `ref` (paid to `vendor`) with `title`: one default line for the payment.
Sold BuyerIssue(World& w, const std::string& ref, int64_t fen, const json& title,
                const std::string& vendor = "v-1") {
  const std::string token = Attest(w, ref, fen, vendor);
  const json body{{"claim", Claim(ref, token)}, {"title", title}};
  auto r = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), "");
  REQUIRE(r.status == 201);
  return {r.body["invoice"]["number"], r.body["buyer"]["auth_secret"]};
}

// v-1 issues `lines` (pre-tax amounts, explicit treatments) from a payment of `fen`.
std::string VendorIssue(World& w, const std::string& ref, int64_t fen, const json& lines) {
  const std::string token = Attest(w, ref, fen);
  const json body{
      {"claim", Claim(ref, token)},
      {"title", Individual()},
      {"allocations", {{{"provider", kPayNode}, {"reference", ref}, {"amount_fen", fen}}}},
      {"lines", lines}};
  auto r = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), w.Token("vendor"));
  REQUIRE(r.status == 201);
  return r.body["invoice"]["number"];
}

std::string RedFull(World& w, const std::string& number) {
  const json body{{"invoice_number", number}, {"reason", "return"}, {"full", true}};
  auto r =
      w.Call(kOpNode, http::verb::post, "/v1/red-letter-forms", body.dump(), w.Token("vendor"));
  REQUIRE(r.status == 201);
  return r.body["red_invoice"]["number"];
}

const std::string kDay = "&from=2026-11-20&to=2026-11-20";

json Report(TaxWorld& t, const std::string& query) {
  auto r = t.Get("/v1/tax/anomalies?" + query, t.Token("tax"));
  INFO(r.raw);
  REQUIRE(r.status == 200);
  CHECK(r.content_type == "application/json");
  return r.body;
}

}  // namespace

TEST_CASE("tax anomalies: payments never invoiced, due days after payment at the last block",
          "[tax][anomalies]") {
  TaxWorld t;
  World& w = t.world();
  Register(w, "v-1");
  Attest(w, "R-1", 1250);
  BuyerIssue(w, "R-2", 800, Individual());
  const std::string query = "kind=uninvoiced_payment" + kDay;
  json early = Report(t, query);
  CHECK(early["findings"].empty());
  CHECK(early["checked"]["payments"] == 2);
  CHECK(early["parameters"]["days"] == 30);
  // The clock moves 31 days, but "now" is the last block's time: nothing is due yet.
  w.AdvanceClock(31 * kDayMs);
  CHECK(Report(t, query)["findings"].empty());
  Register(w, "v-2");  // a block at the new time
  json r = Report(t, query);
  CHECK(r["kind"] == "uninvoiced_payment");
  CHECK(r["from"] == "2026-11-20");
  CHECK(r["to"] == "2026-11-20");
  CHECK(r["truncated"] == false);
  CHECK(r["as_of_ms"].get<uint64_t>() > contracts::test::kStartMs + 31 * kDayMs);
  REQUIRE(r["findings"].size() == 1);
  const json& f = r["findings"][0];
  CHECK(f["subject"] == "payment:2:R-1");
  CHECK(f["vendor_id"] == "v-1");
  CHECK(f["evidence"]["payment_ids"] == json{"2:R-1"});
  CHECK(f["evidence"]["invoice_numbers"].empty());
  CHECK(f["evidence"]["amount_fen"] == 1250);
  CHECK(f["evidence"]["paid_at"] == "2026-11-20T09:59:00+08:00");
  CHECK(f["evidence"]["days_uninvoiced"] == 31);
  CHECK(f["evidence"]["requested"] == false);
  CHECK(Report(t, query + "&days=32")["findings"].empty());
  CHECK(Report(t, "kind=uninvoiced_payment&from=2026-11-21&to=2026-12-31")["checked"]["payments"] ==
        0);
  CHECK(Report(t, query + "&vendor=v-2")["findings"].empty());
}

TEST_CASE("tax anomalies: an over-issue is refused and the report proves none exists",
          "[tax][anomalies]") {
  TaxWorld t;
  World& w = t.world();
  Register(w, "v-1");
  BuyerIssue(w, "R-1", 1250, Individual());
  const std::string token = Attest(w, "R-2", 1000);
  const json over{
      {"claim", Claim("R-2", token)},
      {"title", Individual()},
      {"allocations", {{{"provider", kPayNode}, {"reference", "R-2"}, {"amount_fen", 1001}}}},
      {"lines", {{{"name", "tomatoes"}, {"item_class", "vegetables"}, {"amount_fen", 1001}}}}};
  auto refused = w.Call(kOpNode, http::verb::post, "/v1/invoices", over.dump(), w.Token("vendor"));
  CHECK(refused.status / 100 == 4);
  CHECK(refused.body["code"] == "invoice.exceeds_payment");
  // (The buyer's request of R-2 was recorded with that call; no invoice was.)

  json r = Report(t, "kind=over_payment" + kDay);
  CHECK(r["findings"].empty());
  CHECK(r["truncated"] == false);
  const json& proof = r["proof"];
  CHECK(proof["holds"] == true);
  CHECK(proof["payments_checked"] == 2);
  CHECK(proof["payment_invoices_checked"] == 1);
  CHECK(proof["allocations_checked"] == 1);
  CHECK(proof["invoices_checked"] == 1);
  CHECK(proof["rules"][0]["code"] == "invoice.exceeds_payment");
  CHECK(r["checked"]["payments"] == 2);
  CHECK(r["checked"]["invoices"] == 1);
}

TEST_CASE("tax anomalies: duplicates to one buyer within the window", "[tax][anomalies]") {
  TaxWorld t;
  World& w = t.world();
  Register(w, "v-1");
  const Sold a = BuyerIssue(w, "R-1", 1250, Org(42));
  const Sold b = BuyerIssue(w, "R-2", 1250, Org(42));
  BuyerIssue(w, "R-3", 1250, Org(43));       // another buyer
  BuyerIssue(w, "R-4", 1300, Org(42));       // another total
  BuyerIssue(w, "R-5", 1250, Individual());  // an individual: a salted buyer hash of its own
  w.AdvanceClock(25 * kHourMs);
  BuyerIssue(w, "R-6", 1250, Org(42));  // the same sale again, after the window
  json r = Report(t, "kind=duplicate&from=2026-11-20&to=2026-11-21");
  CHECK(r["checked"]["invoices"] == 6);
  CHECK(r["parameters"]["window_hours"] == 24);
  REQUIRE(r["findings"].size() == 1);
  const json& f = r["findings"][0];
  CHECK(f["subject"] == "vendor:v-1");
  CHECK(f["evidence"]["invoice_numbers"] == json{a.number, b.number});
  CHECK(f["evidence"]["payment_ids"] == json{"2:R-1", "2:R-2"});
  CHECK(f["evidence"]["count"] == 2);
  CHECK(f["evidence"]["total_fen"] == 1250);
  // A window of 26 hours takes the third one in.
  json wide = Report(t, "kind=duplicate&from=2026-11-20&to=2026-11-21&window_hours=26");
  REQUIRE(wide["findings"].size() == 1);
  CHECK(wide["findings"][0]["evidence"]["count"] == 3);
}

TEST_CASE("tax anomalies: invoices split just under a threshold", "[tax][anomalies]") {
  TaxWorld t;
  World& w = t.world();
  Register(w, "v-1");
  std::vector<std::string> split;
  int ref = 0;
  for (int64_t fen : {9500, 9600, 9900}) {
    split.push_back(BuyerIssue(w, "R-" + std::to_string(++ref), fen, Org(42)).number);
  }
  BuyerIssue(w, "R-" + std::to_string(++ref), 5000, Org(42));  // below the band
  for (int i = 0; i < 2; ++i) {                                // two are not enough
    BuyerIssue(w, "R-" + std::to_string(++ref), 9500, Org(43));
  }
  json r = Report(t, "kind=split_below_threshold&threshold_fen=10000" + kDay);
  CHECK(r["parameters"] == json{{"threshold_fen", 10000}, {"margin_pct", 10}, {"min_count", 3}});
  REQUIRE(r["findings"].size() == 1);
  const json& e = r["findings"][0]["evidence"];
  CHECK(r["findings"][0]["vendor_id"] == "v-1");
  CHECK(e["invoice_numbers"] == json(split));
  CHECK(e["payment_ids"] == json{"2:R-1", "2:R-2", "2:R-3"});
  CHECK(e["date"] == "2026-11-20");
  CHECK(e["count"] == 3);
  CHECK(e["sum_fen"] == 29000);
  CHECK(e["band_fen"] == json{9000, 9999});
  CHECK(Report(t, "kind=split_below_threshold&threshold_fen=10000&min_count=4" + kDay)["findings"]
            .empty());
  // The default threshold (RMB 10,000) is far above these sales.
  CHECK(Report(t, "kind=split_below_threshold" + kDay)["findings"].empty());
}

TEST_CASE("tax anomalies: small-scale vendors over the monthly and annual limits",
          "[tax][anomalies]") {
  TaxWorld t;
  World& w = t.world();
  Register(w, "v-1");
  Register(w, "v-2");
  json general = VendorBody("v-3");
  general["taxpayer_type"] = "general";
  Register(w, "v-3", general);
  BuyerIssue(w, "R-1", 500'000'001, Individual());         // v-1: RMB 5,000,000.01
  BuyerIssue(w, "R-2", 1250, Individual(), "v-2");         // v-2: small
  BuyerIssue(w, "R-3", 600'000'000, Individual(), "v-3");  // v-3: large but general
  json r = Report(t, "kind=small_scale_over_limit&from=2026-11-10&to=2026-11-25");
  CHECK(r["months"] == json{{"from", "2026-11-01"}, {"to", "2026-11-30"}});
  CHECK(r["checked"]["vendors"] == 2);  // the small-scale ones
  REQUIRE(r["findings"].size() == 2);
  for (const json& f : r["findings"]) {
    CHECK(f["subject"] == "vendor:v-1");
    CHECK(f["evidence"]["net_total_fen"] == 500'000'001);
    CHECK(f["evidence"]["blue_count"] == 1);
    CHECK(f["evidence"]["from"] == "2026-11-01");
    CHECK(f["evidence"]["to"] == "2026-11-30");
    CHECK(f["evidence"]["search"] == "/v1/tax/invoices?vendor=v-1&from=2026-11-01&to=2026-11-30");
  }
  CHECK(r["findings"][0]["evidence"]["period"] == "month");
  CHECK(r["findings"][0]["evidence"]["limit_fen"] == 10'000'000);
  CHECK(r["findings"][1]["evidence"]["period"] == "year");
  CHECK(r["findings"][1]["evidence"]["limit_fen"] == 500'000'000);
  // December alone: nothing sold.
  CHECK(Report(t, "kind=small_scale_over_limit&from=2026-12-01&to=2026-12-31")["findings"].empty());
  CHECK(Report(t, "kind=small_scale_over_limit&vendor=v-2" + kDay)["findings"].empty());
}

TEST_CASE("tax anomalies: red-letter rate per vendor", "[tax][anomalies]") {
  TaxWorld t;
  World& w = t.world();
  Register(w, "v-1");
  Register(w, "v-2");
  std::vector<std::string> blue;
  for (int i = 1; i <= 3; ++i) {
    blue.push_back(BuyerIssue(w, "R-" + std::to_string(i), 1000, Individual()).number);
    BuyerIssue(w, "S-" + std::to_string(i), 1000, Individual(), "v-2");
  }
  const std::string red = RedFull(w, blue[1]);
  json r = Report(t, "kind=red_letter_rate&min_blue=3" + kDay);
  CHECK(r["checked"]["vendors"] == 2);
  REQUIRE(r["findings"].size() == 1);
  const json& f = r["findings"][0];
  CHECK(f["subject"] == "vendor:v-1");
  CHECK(f["evidence"]["blue_count"] == 3);
  CHECK(f["evidence"]["red_count"] == 1);
  CHECK(f["evidence"]["rate_bp"] == 3333);
  CHECK(f["evidence"]["red_total_fen"] == -1000);
  CHECK(f["evidence"]["invoice_numbers"] == json{red});
  // The default minimum of 10 blue invoices, or a higher rate, flags nobody.
  CHECK(Report(t, "kind=red_letter_rate" + kDay)["findings"].empty());
  CHECK(Report(t, "kind=red_letter_rate&min_blue=3&rate_pct=34" + kDay)["findings"].empty());
}

TEST_CASE("tax anomalies: red invoices after a reimbursing organisation locked the blue",
          "[tax][anomalies]") {
  TaxWorld t;
  World& w = t.world();
  Register(w, "v-1");
  const Sold used = BuyerIssue(w, "R-1", 1250, Individual());
  const Sold clean = BuyerIssue(w, "R-2", 800, Individual());
  for (const char* action : {"lock", "unlock"}) {
    REQUIRE(w.Call(kOrgNode, http::verb::post, "/v1/reimbursements",
                   json{{"action", action}, {"invoice_number", used.number}}.dump(),
                   w.Token("org_a"))
                .status == 200);
  }
  auto opened = w.Call(kOpNode, http::verb::post, "/v1/red-letter-forms",
                       json{{"invoice_number", used.number}, {"reason", 1}, {"full", true}}.dump(),
                       w.Token("vendor"));
  REQUIRE(opened.status == 201);
  const std::string form = opened.body["form"]["form_id"];
  auto confirmed = w.Call(kOpNode, http::verb::post, "/v1/red-letter-forms/" + form + "/confirm",
                          json{{"buyer", {{"auth_secret", used.secret}}}}.dump(), "");
  REQUIRE(confirmed.status == 200);
  const std::string red = confirmed.body["red_invoice"]["number"];
  RedFull(w, clean.number);
  json r = Report(t, "kind=red_after_reimbursement" + kDay);
  CHECK(r["checked"]["invoices"] == 4);
  REQUIRE(r["findings"].size() == 1);
  const json& f = r["findings"][0];
  CHECK(f["subject"] == "invoice:" + red);
  CHECK(f["evidence"]["blue_number"] == used.number);
  CHECK(f["evidence"]["red_number"] == red);
  CHECK(f["evidence"]["invoice_numbers"] == json{used.number, red});
  CHECK(f["evidence"]["payment_ids"] == json{"2:R-1"});
  CHECK(f["evidence"]["form_id"] == form);
  CHECK(f["evidence"]["org_member"] == kOrgNode);
  CHECK(f["evidence"]["mark"] == "init");
}

TEST_CASE("tax anomalies: exempt lines of an item class the vendor declared taxable",
          "[tax][anomalies]") {
  TaxWorld t;
  World& w = t.world();
  json vendor = VendorBody("v-1");
  vendor["defaults"].push_back(
      {{"item_class", "cooked"}, {"treatment", {{"treatment", "taxable"}, {"rate_bp", 300}}}});
  Register(w, "v-1", vendor);
  const json exempt{{"treatment", "exempt"}, {"policy_code", "VEG-RETAIL"}};
  const std::string bad = VendorIssue(w, "R-1", 1500,
                                      {{{"name", "tomatoes"},
                                        {"item_class", "vegetables"},
                                        {"amount_fen", 500},
                                        {"treatment", exempt}},
                                       {{"name", "noodles"},
                                        {"item_class", "cooked"},
                                        {"amount_fen", 1000},
                                        {"treatment", exempt}}});
  VendorIssue(w, "R-2", 1030,
              {{{"name", "noodles"}, {"item_class", "cooked"}, {"amount_fen", 1000}}});
  json r = Report(t, "kind=exemption_mismatch" + kDay);
  CHECK(r["checked"]["invoices"] == 2);
  REQUIRE(r["findings"].size() == 1);
  const json& e = r["findings"][0]["evidence"];
  CHECK(r["findings"][0]["subject"] == "invoice:" + bad);
  CHECK(e["invoice_numbers"] == json{bad});
  CHECK(e["payment_ids"] == json{"2:R-1"});
  CHECK(e["line"] == 1);
  CHECK(e["item_class"] == "cooked");
  CHECK(e["claimed"] ==
        json{{"treatment", "exempt"}, {"rate_bp", 0}, {"policy_code", "VEG-RETAIL"}});
  CHECK(e["expected"] == json{{"treatment", "taxable"}, {"rate_bp", 300}});
}

TEST_CASE("tax anomalies: invoices issued off hours, and the limit truncates", "[tax][anomalies]") {
  TaxWorld t;
  World& w = t.world();
  Register(w, "v-1");
  BuyerIssue(w, "R-1", 1250, Individual());  // about 10:00
  w.AdvanceClock(13 * kHourMs);              // about 23:00
  const Sold late = BuyerIssue(w, "R-2", 800, Individual());
  const Sold later = BuyerIssue(w, "R-3", 900, Individual());
  json r = Report(t, "kind=off_hours" + kDay);
  CHECK(r["parameters"]["hours"] == "06-22");
  REQUIRE(r["findings"].size() == 2);
  const json& f = r["findings"][0];
  CHECK(f["subject"] == "invoice:" + late.number);
  CHECK(f["evidence"]["invoice_numbers"] == json{late.number});
  CHECK(f["evidence"]["payment_ids"] == json{"2:R-2"});
  CHECK(f["evidence"]["issued_at"].get<std::string>().rfind("2026-11-20T23:00:", 0) == 0);
  CHECK(r["findings"][1]["evidence"]["invoice_numbers"] == json{later.number});
  CHECK(Report(t, "kind=off_hours&hours=06-24" + kDay)["findings"].empty());
  json one = Report(t, "kind=off_hours&limit=1" + kDay);
  CHECK(one["findings"].size() == 1);
  CHECK(one["truncated"] == true);
  CHECK(Report(t, "kind=off_hours&limit=2" + kDay)["truncated"] == false);
}

TEST_CASE("tax anomalies: only a tax officer, every officer query recorded", "[tax][anomalies]") {
  TaxWorld t;
  const std::string target = "/v1/tax/anomalies?kind=off_hours" + kDay;
  for (const std::string key : {"vendor", "vendor_other", "operator", "operator_other", "provider",
                                "provider_other", "reimburser", "org_a"}) {
    INFO(key);
    auto r = t.Get(target, t.Token(key));
    CheckProblem(r, 403, "auth.forbidden", "");
  }
  auto anonymous = t.Get(target, "");
  CHECK(anonymous.status == 401);
  CHECK_FALSE(anonymous.www_authenticate.empty());
  CHECK(t.audit().size() == 0);
  CHECK(t.Get(target, t.Token("tax")).status == 200);
  CHECK(t.Get("/v1/tax/anomalies?kind=nonsense", t.Token("tax")).status == 400);
  CHECK(t.audit().size() == 2);  // refused parameters are recorded too
  auto log = t.Get("/v1/tax/audit", t.Token("tax"));
  CHECK(log.raw.find("kind=off_hours") != std::string::npos);
}

TEST_CASE("tax anomalies: bad parameters are problems naming the parameter", "[tax][anomalies]") {
  TaxWorld t;
  World& w = t.world();
  Register(w, "v-1");
  const auto before = w.Snapshot();
  const std::string d = "&from=2026-11-01&to=2026-11-30";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"from=2026-11-01&to=2026-11-30", "kind"},
      {"kind=everything" + d, "kind"},
      {"kind=duplicate&to=2026-11-30", "from"},
      {"kind=duplicate&from=2026-11-31&to=2026-12-01", "from"},
      {"kind=duplicate&from=2026-11-01", "to"},
      {"kind=duplicate&from=2026-11-01&to=20261130", "to"},
      {"kind=duplicate&from=2026-11-30&to=2026-11-01", "to"},
      {"kind=duplicate&from=2026-01-01&to=2027-01-02", "to"},
      {"kind=duplicate&vendor=" + d, "vendor"},
      {"kind=duplicate&market=" + d, "market"},
      {"kind=duplicate&colour=red" + d, "colour"},
      {"kind=duplicate&days=3" + d, "days"},
      {"kind=off_hours&window_hours=3" + d, "window_hours"},
      {"kind=duplicate&limit=0" + d, "limit"},
      {"kind=duplicate&limit=1001" + d, "limit"},
      {"kind=duplicate&window_hours=-1" + d, "window_hours"},
      {"kind=uninvoiced_payment&days=x" + d, "days"},
      {"kind=split_below_threshold&threshold_fen=1.5" + d, "threshold_fen"},
      {"kind=split_below_threshold&margin_pct=100" + d, "margin_pct"},
      {"kind=split_below_threshold&min_count=1" + d, "min_count"},
      {"kind=red_letter_rate&rate_pct=0" + d, "rate_pct"},
      {"kind=red_letter_rate&min_blue=0" + d, "min_blue"},
      {"kind=off_hours&hours=22-06" + d, "hours"},
      {"kind=off_hours&hours=6-22" + d, "hours"},
      {"kind=off_hours&hours=00-25" + d, "hours"},
  };
  for (const auto& [query, field] : cases) {
    INFO(query);
    CheckProblem(t.Get("/v1/tax/anomalies?" + query, t.Token("tax")), 400, "request.invalid_query",
                 field);
  }
  CheckProblem(t.Get("/v1/tax/anomalies?kind=duplicate&vendor=nobody" + d, t.Token("tax")), 404,
               "vendor.unknown", "vendor");
  // 366 days is the longest period; the same vendor in another market is out of scope.
  json longest = Report(t, "kind=duplicate&from=2026-01-01&to=2027-01-01");
  CHECK(longest["findings"].empty());
  json elsewhere = Report(t, "kind=off_hours&vendor=v-1&market=M2" + d);
  CHECK(elsewhere["checked"]["vendors"] == 0);
  CHECK(w.Snapshot() == before);
}

}  // namespace fapiao::api::tax::test

namespace fapiao::api::tax::test {
namespace {

namespace keys = contracts::keys;

// A state no contract would write: payment 2:P-1 of 10.00 yuan (recorded as
// fully invoiced once) drawn 12.00 + 8.00 by two blue invoices, the second of
// which totals 9.00, not the sum of its allocations.
MemState ForgedLedger() {
  WriteSet ws;
  const auto put = [&](Column col, const Bytes& key, const std::string& value) {
    ws.Put(col, key, value);
  };
  pb::Vendor vendor;
  vendor.mutable_info()->set_vendor_id("v-1");
  vendor.mutable_info()->set_market("M1");
  put(Column::kState, keys::Vendor("v-1"), vendor.SerializeAsString());
  const uint64_t paid = contracts::test::kStartMs;
  pb::Payment p;
  p.mutable_attested()->set_vendor_id("v-1");
  p.mutable_attested()->set_amount_fen(1000);
  p.mutable_attested()->set_paid_at_ms(paid);
  p.mutable_attested()->set_reference("P-1");
  p.set_provider(2);
  p.set_invoiced_fen(1000);
  p.set_invoice_count(1);
  put(Column::kState, keys::Payment(2, "P-1"), p.SerializeAsString());
  put(Column::kIndex, keys::PaymentDay("20261120", paid, 2, "P-1"), "");
  const auto invoice = [&](const std::string& number, int64_t total, int64_t allocated) {
    pb::Invoice inv;
    inv.set_number(number);
    inv.set_kind(pb::BLUE);
    inv.set_vendor_id("v-1");
    inv.set_market("M1");
    inv.set_pre_tax_fen(total);
    inv.set_total_fen(total);
    inv.set_issued_at_ms(paid + 1000);
    auto* a = inv.add_allocations();
    a->mutable_payment()->set_provider(2);
    a->mutable_payment()->set_reference("P-1");
    a->set_amount_fen(allocated);
    put(Column::kState, keys::Invoice(number), inv.SerializeAsString());
    put(Column::kIndex, keys::VendorTime("v-1", paid + 1000, number), "");
    put(Column::kIndex, keys::PaymentInvoice(2, "P-1", number), "");
  };
  invoice("26531000000000000001", 1200, 1200);
  invoice("26531000000000000002", 900, 800);
  MemState state;
  state.Apply(ws);
  return state;
}

}  // namespace

TEST_CASE("tax anomalies: the over-payment check finds what a forged ledger holds",
          "[tax][anomalies]") {
  const MemState state = ForgedLedger();
  AnomalyQuery q;
  q.kind = AnomalyKind::kOverPayment;
  q.from = std::chrono::sys_days{std::chrono::year{2026} / 11 / 20};
  q.to = q.from;
  q.from_ms = contracts::test::kStartMs - 10 * 3'600'000;  // 2026-11-20 00:00 China time
  q.to_ms = q.from_ms + 24 * 3'600'000;
  AnomalyInput in{state, q, contracts::test::kStartMs, {}, true};
  pb::Vendor v;
  REQUIRE(v.ParseFromString(*state.Get(Column::kState, contracts::keys::Vendor("v-1"))));
  in.vendors.push_back(v);
  AnomalyReport report(10);
  DetectOverPayments(in, report);
  const json findings = report.findings();
  REQUIRE(findings.size() == 2);
  CHECK(findings[0]["subject"] == "payment:2:P-1");
  CHECK(findings[0]["evidence"]["allocated_fen"] == 2000);
  CHECK(findings[0]["evidence"]["amount_fen"] == 1000);
  CHECK(findings[0]["evidence"]["recorded_invoiced_fen"] == 1000);
  CHECK(findings[0]["evidence"]["invoice_numbers"] ==
        json{"26531000000000000001", "26531000000000000002"});
  CHECK(findings[1]["subject"] == "invoice:26531000000000000002");
  CHECK(findings[1]["evidence"]["total_fen"] == 900);
  CHECK(findings[1]["evidence"]["allocated_fen"] == 800);
  CHECK(findings[1]["evidence"]["payment_ids"] == json{"2:P-1"});
  CHECK(report.extra["proof"]["holds"] == false);
  CHECK(report.extra["proof"]["payments_checked"] == 1);
  CHECK(report.extra["proof"]["invoices_checked"] == 2);
  // With a limit of one, the report stops at the second finding.
  AnomalyReport one(1);
  DetectOverPayments(in, one);
  CHECK(one.findings().size() == 1);
  CHECK(one.truncated());
}

}  // namespace fapiao::api::tax::test
