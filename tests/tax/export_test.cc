// GET /v1/tax/export over the merchant World's real contracts: invoices issued
// and red-lettered through the merchant API are exported as UBL (every document
// passes the BR-CO checker; the red one is a CreditNote referencing its blue)
// and as CSV (header, one row per line, a vendor name with a comma and quotes
// quoted); role rules (401, 403 for vendor and operator keys); bad parameters
// are 400 request.invalid_query naming the parameter; an unknown vendor is 404.
#include <algorithm>

#include <catch2/catch.hpp>

#include "tests/tax/fixture.h"
#include "tests/tax/ubl_check.h"

namespace fapiao::api::tax::test {
namespace {

using merchant::test::kOpNode;
using merchant::test::kPayNode;
using merchant::test::PaymentBody;
using merchant::test::VendorBody;
using nlohmann::json;
namespace http = boost::beast::http;

const char kVendorName[] = "Wang, \"Fresh\" Veg";

struct Sales {
  std::vector<std::string> blue;
  std::string red;
  std::string date;  // YYYY-MM-DD
};

// v-1 (named kVendorName) sells three times; the first sale is red-lettered in full.
Sales Sell(TaxWorld& tw) {
  World& w = tw.world();
  json vendor = VendorBody("v-1");
  vendor["name"] = kVendorName;
  REQUIRE(
      w.Call(kOpNode, http::verb::post, "/v1/vendors", vendor.dump(), w.Token("operator")).status ==
      201);
  Sales s;
  for (int i = 1; i <= 3; ++i) {
    const std::string ref = "R-" + std::to_string(i);
    auto p = w.Call(kPayNode, http::verb::post, "/v1/payments",
                    PaymentBody(ref, 1000 + 7 * i).dump(), w.Token("provider"));
    REQUIRE(p.status == 201);
    const json claim{
        {"claim", {{"provider", kPayNode}, {"reference", ref}, {"token", p.body["claim_token"]}}},
        {"title", {{"type", "individual"}, {"name", "Li"}}}};
    auto r = w.Call(kOpNode, http::verb::post, "/v1/invoices", claim.dump(), "");
    REQUIRE(r.status == 201);
    s.blue.push_back(r.body["invoice"]["number"]);
    const std::string d = r.body["invoice"]["date"];
    s.date = d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
  }
  const json form{{"invoice_number", s.blue[0]}, {"reason", "return"}, {"full", true}};
  auto f =
      w.Call(kOpNode, http::verb::post, "/v1/red-letter-forms", form.dump(), w.Token("vendor"));
  REQUIRE(f.status == 201);
  s.red = f.body["red_invoice"]["number"];
  return s;
}

std::string Range(const Sales& s) {
  return "&from=" + s.date + "&to=" + s.date;
}

TEST_CASE("tax export: UBL documents of real invoices satisfy BR-CO-10/15/17", "[tax][export]") {
  TaxWorld tw;
  const Sales s = Sell(tw);
  for (const std::string filter : {"", "&vendor=v-1", "&market=M1", "&vendor=v-1&market=M1"}) {
    INFO(filter);
    auto r = tw.Get("/v1/tax/export?format=ubl" + Range(s) + filter, tw.Token("tax"));
    REQUIRE(r.status == 200);
    CHECK(r.content_type == "application/xml");
    CHECK(r.raw.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Export"));
    CHECK(r.raw.ends_with("</Export>\n"));
    std::vector<std::string> errors;
    const auto docs = CheckUbl(r.raw, errors);
    CHECK(errors == std::vector<std::string>{});
    REQUIRE(docs.size() == 4);
    int credit_notes = 0;
    for (const auto& d : docs) {
      CHECK(d.buyer_name == "个人");
      CHECK(d.categories.size() >= 1);
      if (d.root == "CreditNote") {
        ++credit_notes;
        CHECK(d.id == s.red);
        CHECK(d.type_code == "381");
        CHECK(d.billing_reference == s.blue[0]);
        CHECK(d.payable_fen > 0);
      } else {
        CHECK(d.type_code == "380");
        CHECK(std::find(s.blue.begin(), s.blue.end(), d.id) != s.blue.end());
      }
    }
    CHECK(credit_notes == 1);
  }
  // Another market, or a range without invoices: an empty, well-formed export.
  for (const std::string& target :
       std::vector<std::string>{"/v1/tax/export?format=ubl" + Range(s) + "&market=M2",
                                "/v1/tax/export?format=ubl&from=2025-01-01&to=2025-12-31"}) {
    auto r = tw.Get(target, tw.Token("tax"));
    REQUIRE(r.status == 200);
    std::vector<std::string> errors;
    CHECK(CheckUbl(r.raw, errors).empty());
    CHECK(errors.empty());
    CHECK(r.raw.ends_with("</Export>\n"));
  }
}

TEST_CASE("tax export: CSV has a header, a row per line, and quotes the vendor's name",
          "[tax][export]") {
  TaxWorld tw;
  const Sales s = Sell(tw);
  auto r = tw.Get("/v1/tax/export?format=csv&vendor=v-1" + Range(s), tw.Token("tax"));
  REQUIRE(r.status == 200);
  CHECK(r.content_type == "text/csv; charset=utf-8; header=present");
  std::vector<std::string> rows;
  for (size_t at = 0; at < r.raw.size();) {
    const size_t end = r.raw.find("\r\n", at);
    REQUIRE(end != std::string::npos);  // every row ends with CRLF
    rows.push_back(r.raw.substr(at, end - at));
    at = end + 2;
  }
  REQUIRE(rows.size() == 5);  // header + 4 invoices of one line each
  CHECK(rows[0].starts_with("number,kind,date,"));
  int red = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    CHECK(rows[i].find(",\"Wang, \"\"Fresh\"\" Veg\",") != std::string::npos);
    CHECK(rows[i].find(",个人,") != std::string::npos);
    if (rows[i].starts_with(s.red + ",red,")) {
      ++red;
      CHECK(rows[i].find("," + s.blue[0] + ",") != std::string::npos);
      CHECK(rows[i].find(",-10.07,") != std::string::npos);  // the reversed 1007 fen
    }
  }
  CHECK(red == 1);
}

TEST_CASE("tax export: only a tax officer may export", "[tax][export][auth]") {
  TaxWorld tw;
  const std::string target = "/v1/tax/export?format=csv&from=2026-11-01&to=2026-11-30";
  CHECK(tw.Get(target, "").status == 401);
  for (const std::string key : {"vendor", "operator", "provider", "reimburser"}) {
    INFO(key);
    auto r = tw.Get(target, tw.Token(key));
    CHECK(r.status == 403);
    CHECK(r.body["code"] == "auth.forbidden");
  }
  CHECK(tw.Get(target, tw.Token("tax")).status == 200);
}

TEST_CASE("tax export: bad parameters are 400 problems naming the parameter", "[tax][export]") {
  TaxWorld tw;
  const auto before = tw.world().Snapshot();
  const std::pair<std::string, std::string> cases[] = {
      {"from=2026-11-01&to=2026-11-02", "format"},
      {"format=pdf&from=2026-11-01&to=2026-11-02", "format"},
      {"format=csv&to=2026-11-02", "from"},
      {"format=csv&from=2026-02-30&to=2026-03-02", "from"},
      {"format=csv&from=20261101&to=2026-11-02", "from"},
      {"format=ubl&from=2026-11-01", "to"},
      {"format=ubl&from=2026-11-02&to=2026-11-01", "to"},
      {"format=ubl&from=2025-01-01&to=2026-11-01", "to"},
      {"format=ubl&from=2026-11-01&to=2026-11-02&vendor=", "vendor"},
      {"format=ubl&from=2026-11-01&to=2026-11-02&market=", "market"},
  };
  for (const auto& [query, field] : cases) {
    INFO(query);
    auto r = tw.Get("/v1/tax/export?" + query, tw.Token("tax"));
    CHECK(r.status == 400);
    CHECK(r.content_type == "application/problem+json");
    CHECK(r.body["code"] == "request.invalid_query");
    CHECK(r.body["field"] == field);
  }
  auto unknown =
      tw.Get("/v1/tax/export?format=csv&from=2026-11-01&to=2026-11-02&vendor=v-9", tw.Token("tax"));
  CHECK(unknown.status == 404);
  CHECK(unknown.body["code"] == "vendor.unknown");
  CHECK(unknown.body["field"] == "vendor");
  CHECK(tw.world().Snapshot() == before);
}

}  // namespace
}  // namespace fapiao::api::tax::test
