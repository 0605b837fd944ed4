// The export writers on hand-made invoices: a blue taxable invoice whose
// per-line tax differs by a fen from the per-category rounding, an exempt one
// with its policy code, a red one as a CreditNote; every document passes the
// BR-CO checker (tests/tax/ubl_check.h); CSV quoting of awkward names.
#include <algorithm>

#include <catch2/catch.hpp>

#include "api/tax/csv.h"
#include "api/tax/ubl.h"
#include "tests/tax/ubl_check.h"

namespace fapiao::api::tax::test {
namespace {

pb::InvoiceLine* AddLine(pb::Invoice& inv, const std::string& name, int64_t fen, int64_t tax,
                         pb::Treatment t, int64_t rate_bp, const std::string& policy = "") {
  auto* line = inv.add_lines();
  line->mutable_input()->set_name(name);
  line->mutable_input()->set_amount_fen(fen);
  line->mutable_input()->mutable_treatment()->set_treatment(t);
  line->mutable_input()->mutable_treatment()->set_rate_bp(rate_bp);
  line->mutable_input()->mutable_treatment()->set_policy_code(policy);
  line->set_tax_fen(tax);
  inv.set_pre_tax_fen(inv.pre_tax_fen() + fen);
  inv.set_tax_fen(inv.tax_fen() + tax);
  inv.set_total_fen(inv.pre_tax_fen() + inv.tax_fen());
  return line;
}

pb::Invoice Base(const std::string& number, pb::InvoiceKind kind) {
  pb::Invoice inv;
  inv.set_number(number);
  inv.set_kind(kind);
  inv.set_vendor_id("v-1");
  inv.set_seller_name("Stall \"A\", Ltd & Co <1>");
  inv.mutable_seller_id()->set_value("91110000MA01234567");
  inv.set_market("M1");
  inv.set_date("20261121");
  inv.mutable_buyer()->set_type(pb::INDIVIDUAL);
  return inv;
}

std::vector<CheckedDocument> Check(const std::string& xml) {
  std::vector<std::string> errors;
  auto docs = CheckUbl(xml, errors);
  CHECK(errors == std::vector<std::string>{});
  return docs;
}

TEST_CASE("tax export: a blue invoice's breakdown is rounded per category (BR-CO-17)",
          "[tax][export][ubl]") {
  // Two 13% lines of 3 fen: the ledger rounds each line's 0.39 fen to 0, the
  // category's 0.78 fen rounds to 1: the difference is PayableRoundingAmount.
  pb::Invoice inv = Base("26110000000000000001", pb::BLUE);
  AddLine(inv, "apple", 3, 0, pb::TAXABLE, 1300);
  AddLine(inv, "pear", 3, 0, pb::TAXABLE, 1300);
  AddLine(inv, "rice", 10000, 900, pb::TAXABLE, 900);
  const UblTotals t = ComputeTotals(inv);
  REQUIRE(t.breakdowns.size() == 2);
  CHECK(t.breakdowns[0].taxable_fen == 6);
  CHECK(t.breakdowns[0].tax_fen == 1);
  CHECK(t.breakdowns[1].tax_fen == 900);
  CHECK(t.tax_fen == 901);
  CHECK(t.tax_inclusive_fen == 10907);
  CHECK(t.payable_fen == 10906);  // the ledger's total
  CHECK(t.rounding_fen == -1);

  const std::string xml = UblDocument(inv);
  auto docs = Check(xml);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].root == "Invoice");
  CHECK(docs[0].type_code == "380");
  CHECK(docs[0].id == inv.number());
  CHECK(docs[0].buyer_name == "个人");
  CHECK(docs[0].categories == std::vector<std::string>{"S", "S"});
  CHECK(docs[0].rounding_fen == -1);
  CHECK(docs[0].payable_fen == 10906);
  CHECK(xml.find("<cbc:IssueDate>2026-11-21</cbc:IssueDate>") != std::string::npos);
  CHECK(xml.find("Stall &quot;A&quot;, Ltd &amp; Co &lt;1&gt;") != std::string::npos);
  CHECK(xml.find("<cbc:Percent>13</cbc:Percent>") != std::string::npos);
  CHECK(xml.find("<cbc:Percent>9</cbc:Percent>") != std::string::npos);
}

TEST_CASE("tax export: exempt, zero-rated and not-subject lines get categories E, Z and O",
          "[tax][export][ubl]") {
  pb::Invoice inv = Base("26110000000000000002", pb::BLUE);
  inv.mutable_buyer()->set_type(pb::ORGANISATION);
  inv.mutable_buyer()->set_org_name("Canteen Co");
  inv.mutable_buyer()->mutable_org_taxpayer_id()->set_value("91110000MA07654321");
  AddLine(inv, "vegetables", 5000, 0, pb::EXEMPT, 0, "0001011608");
  AddLine(inv, "export", 700, 0, pb::ZERO, 0);
  AddLine(inv, "deposit", 300, 0, pb::NOT_SUBJECT, 0);
  const std::string xml = UblDocument(inv);
  auto docs = Check(xml);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].categories == std::vector<std::string>{"E", "Z", "O"});
  CHECK(docs[0].exemption_codes == std::vector<std::string>{"0001011608"});
  CHECK(docs[0].buyer_name == "Canteen Co");
  CHECK(docs[0].tax_fen == 0);
  CHECK(docs[0].payable_fen == 6000);
  CHECK(xml.find("<cbc:CompanyID>91110000MA07654321</cbc:CompanyID>") != std::string::npos);
  CHECK(xml.find("PayableRoundingAmount") == std::string::npos);
}

TEST_CASE(
    "tax export: a red invoice is a CreditNote 381 with positive amounts referencing its blue",
    "[tax][export][ubl]") {
  pb::Invoice inv = Base("26110000000000000003", pb::RED);
  inv.set_blue_number("26110000000000000001");
  AddLine(inv, "rice", -10000, -900, pb::TAXABLE, 900);
  AddLine(inv, "apple", -3, 0, pb::TAXABLE, 1300);
  const std::string xml = UblDocument(inv);
  auto docs = Check(xml);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].root == "CreditNote");
  CHECK(docs[0].type_code == "381");
  CHECK(docs[0].billing_reference == "26110000000000000001");
  CHECK(docs[0].line_extension_fen == 10003);
  CHECK(docs[0].tax_fen == 900);  // 9% of 100.00 + 13% of 0.03 (0.39 fen rounds to 0)
  CHECK(docs[0].payable_fen == 10903);
  CHECK(xml.find("<cac:CreditNoteLine>") != std::string::npos);
  CHECK(xml.find("<cbc:CreditedQuantity unitCode=\"C62\">1</cbc:CreditedQuantity>") !=
        std::string::npos);
}

TEST_CASE("tax export: the checker catches a broken document", "[tax][export][ubl]") {
  pb::Invoice inv = Base("26110000000000000004", pb::BLUE);
  AddLine(inv, "apple", 3, 0, pb::TAXABLE, 1300);
  AddLine(inv, "pear", 3, 0, pb::TAXABLE, 1300);
  std::string xml = UblDocument(inv);
  const std::string good = "<cbc:TaxAmount currencyID=\"CNY\">0.01</cbc:TaxAmount>";
  const std::string bad = "<cbc:TaxAmount currencyID=\"CNY\">0.00</cbc:TaxAmount>";
  // The per-line sum (0) in the subtotal instead of the category rounding.
  const size_t sub = xml.find("<cac:TaxSubtotal>");
  xml.replace(xml.find(good, sub), good.size(), bad);
  std::vector<std::string> errors;
  CheckUbl(xml, errors);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].find("BR-CO-17") != std::string::npos);
  CHECK(errors[1].find("BR-CO-14") != std::string::npos);
  std::string unbalanced = UblDocument(inv);
  unbalanced.erase(unbalanced.find("</cac:TaxTotal>"), 15);
  errors.clear();
  CheckUbl(unbalanced, errors);
  CHECK(!errors.empty());
}

TEST_CASE("tax export: CSV fields are quoted per RFC 4180", "[tax][export][csv]") {
  CHECK(CsvField("plain") == "plain");
  CHECK(CsvField("a,b") == "\"a,b\"");
  CHECK(CsvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(CsvField("two\nlines") == "\"two\nlines\"");
  CHECK(Yuan(-1234) == "-12.34");
  CHECK(Yuan(5) == "0.05");
  CHECK(PercentOf(150) == "1.5");
  CHECK(PercentOf(1300) == "13");

  pb::Invoice inv = Base("26110000000000000005", pb::BLUE);
  AddLine(inv, "veg, fresh", 5000, 0, pb::EXEMPT, 0, "0001011608");
  AddLine(inv, "rice", 10000, 900, pb::TAXABLE, 900);
  const std::string header = CsvHeader();
  CHECK(header.starts_with("number,kind,date,issued_at_ms,vendor_id,seller_name,seller_id,"));
  CHECK(header.ends_with(",mark_status\r\n"));
  const std::string rows = CsvRows(inv);
  const std::string first = rows.substr(0, rows.find("\r\n"));
  CHECK(first ==
        "26110000000000000005,blue,2026-11-21,0,v-1,\"Stall \"\"A\"\", Ltd & Co <1>\","
        "91110000MA01234567,M1,individual,个人,,,,1,,\"veg, fresh\",,,,50.00,0.00,0,exempt,"
        "0001011608,150.00,9.00,159.00,none");
  CHECK(rows.find("\r\n26110000000000000005,blue,2026-11-21,0,v-1,") != std::string::npos);
  CHECK(std::count(rows.begin(), rows.end(), '\n') == 2);
}

}  // namespace
}  // namespace fapiao::api::tax::test
