#include "tests/tax/ubl_check.h"

#include <stdexcept>

namespace fapiao::api::tax::test {
namespace {

__extension__ typedef __int128 I128;

// The text of every <name ...>text</name> in `s` (not nested in itself).
std::vector<std::string> All(const std::string& s, const std::string& name) {
  std::vector<std::string> out;
  const std::string open = "<" + name, close = "</" + name + ">";
  for (size_t at = s.find(open); at != std::string::npos; at = s.find(open, at + 1)) {
    const char after = s[at + open.size()];
    if (after != '>' && after != ' ') continue;  // a longer tag name
    const size_t start = s.find('>', at) + 1;
    const size_t end = s.find(close, start);
    if (end == std::string::npos) throw std::runtime_error("unclosed " + name);
    out.push_back(s.substr(start, end - start));
    at = end;
  }
  return out;
}

std::string One(const std::string& s, const std::string& name) {
  auto all = All(s, name);
  if (all.size() != 1) {
    throw std::runtime_error(name + " occurs " + std::to_string(all.size()) + " times");
  }
  return all[0];
}

// Tags balance, in order.
bool Balanced(const std::string& xml, std::string& why) {
  std::vector<std::string> stack;
  for (size_t at = xml.find('<'); at != std::string::npos; at = xml.find('<', at + 1)) {
    const size_t end = xml.find('>', at);
    if (end == std::string::npos) {
      why = "unterminated tag";
      return false;
    }
    std::string tag = xml.substr(at + 1, end - at - 1);
    if (tag.starts_with("?")) continue;
    if (tag.ends_with("/")) continue;
    const bool closing = tag.starts_with("/");
    std::string name = tag.substr(closing ? 1 : 0, tag.find(' ') - (closing ? 1 : 0));
    if (!closing) {
      stack.push_back(name);
    } else if (stack.empty() || stack.back() != name) {
      why = "</" + name + "> closes " + (stack.empty() ? "nothing" : stack.back());
      return false;
    } else {
      stack.pop_back();
    }
  }
  if (!stack.empty()) {
    why = "<" + stack.back() + "> never closed";
    return false;
  }
  return true;
}

int64_t PercentBp(const std::string& p) {
  const size_t dot = p.find('.');
  int64_t bp = std::stoll(p.substr(0, dot)) * 100;
  if (dot != std::string::npos) {
    std::string frac = p.substr(dot + 1);
    if (frac.size() > 2) throw std::runtime_error("percent with more than 2 decimals: " + p);
    frac.resize(2, '0');
    bp += std::stoll(frac);
  }
  return bp;
}

// round(taxable x bp / 10000) to the fen, half away from zero: the EN 16931 rounding.
int64_t RoundedTax(int64_t taxable_fen, int64_t bp) {
  const I128 num = static_cast<I128>(taxable_fen) * bp;
  I128 q = (num < 0 ? -num : num) / 10000;
  if ((num < 0 ? -num : num) % 10000 >= 5000) ++q;
  return static_cast<int64_t>(num < 0 ? -q : q);
}

}  // namespace

int64_t ParseFen(const std::string& a) {
  size_t i = 0;
  const bool neg = !a.empty() && a[0] == '-';
  if (neg) ++i;
  const size_t dot = a.find('.');
  const std::string whole = a.substr(i, dot == std::string::npos ? std::string::npos : dot - i);
  std::string frac = dot == std::string::npos ? "" : a.substr(dot + 1);
  if (whole.empty() || frac.size() > 2 ||
      whole.find_first_not_of("0123456789") != std::string::npos ||
      frac.find_first_not_of("0123456789") != std::string::npos) {
    throw std::runtime_error("not an amount: '" + a + "'");
  }
  frac.resize(2, '0');
  const int64_t fen = std::stoll(whole) * 100 + std::stoll(frac);
  return neg ? -fen : fen;
}

std::vector<CheckedDocument> CheckUbl(const std::string& xml, std::vector<std::string>& errors) {
  std::vector<CheckedDocument> docs;
  std::string why;
  if (!Balanced(xml, why)) errors.push_back("not well formed: " + why);
  for (const std::string root : {"Invoice", "CreditNote"}) {
    for (const std::string& body : All(xml, root)) {
      CheckedDocument d;
      d.root = root;
      auto fail = [&](const std::string& rule) { errors.push_back(d.id + ": " + rule); };
      try {
        d.id = One(body.substr(0, body.find("<cbc:IssueDate>")), "cbc:ID");
        d.type_code =
            One(body, root == "Invoice" ? "cbc:InvoiceTypeCode" : "cbc:CreditNoteTypeCode");
        if (One(body, "cbc:DocumentCurrencyCode") != "CNY") fail("currency is not CNY");
        if (root == "CreditNote") {
          d.billing_reference = One(One(body, "cac:BillingReference"), "cbc:ID");
        }
        d.buyer_name = One(One(body, "cac:AccountingCustomerParty"), "cbc:RegistrationName");
        const std::string line_tag = root == "Invoice" ? "cac:InvoiceLine" : "cac:CreditNoteLine";
        int64_t lines_sum = 0;
        for (const auto& line : All(body, line_tag)) {
          const int64_t net = ParseFen(One(line, "cbc:LineExtensionAmount"));
          if (net < 0) fail("a negative line in a " + root);
          lines_sum += net;
        }
        const std::string totals = One(body, "cac:LegalMonetaryTotal");
        d.line_extension_fen = ParseFen(One(totals, "cbc:LineExtensionAmount"));
        const int64_t exclusive = ParseFen(One(totals, "cbc:TaxExclusiveAmount"));
        const int64_t inclusive = ParseFen(One(totals, "cbc:TaxInclusiveAmount"));
        const auto rounding = All(totals, "cbc:PayableRoundingAmount");
        d.rounding_fen = rounding.empty() ? 0 : ParseFen(rounding[0]);
        d.payable_fen = ParseFen(One(totals, "cbc:PayableAmount"));
        const std::string tax_total = One(body, "cac:TaxTotal");
        d.tax_fen = ParseFen(
            One(tax_total.substr(0, tax_total.find("<cac:TaxSubtotal>")), "cbc:TaxAmount"));
        if (lines_sum != d.line_extension_fen) fail("BR-CO-10 sum of lines != LineExtensionAmount");
        if (exclusive != d.line_extension_fen) fail("BR-CO-13 TaxExclusiveAmount");
        if (inclusive != exclusive + d.tax_fen) fail("BR-CO-15 TaxInclusiveAmount");
        if (d.payable_fen != inclusive + d.rounding_fen) fail("BR-CO-16 PayableAmount");
        int64_t subtotal_tax = 0;
        for (const auto& sub : All(tax_total, "cac:TaxSubtotal")) {
          const int64_t taxable = ParseFen(One(sub, "cbc:TaxableAmount"));
          const int64_t tax = ParseFen(One(sub, "cbc:TaxAmount"));
          const std::string tax_category = One(sub, "cac:TaxCategory");
          // The category's own ID, before its TaxScheme's.
          const std::string category =
              One(tax_category.substr(0, tax_category.find("<cac:TaxScheme>")), "cbc:ID");
          const auto percent = All(sub, "cbc:Percent");
          const int64_t bp = percent.empty() ? 0 : PercentBp(percent[0]);
          if (percent.empty() != (category == "O")) fail("a Percent on O or none on " + category);
          if (tax != RoundedTax(taxable, bp))
            fail("BR-CO-17 " + category + " " + std::to_string(bp));
          if (category == "E") {
            const auto codes = All(sub, "cbc:TaxExemptionReasonCode");
            if (codes.empty() || All(sub, "cbc:TaxExemptionReason").empty()) {
              fail("BR-E-10 an exempt breakdown without reason");
            } else {
              d.exemption_codes.push_back(codes[0]);
            }
          }
          d.categories.push_back(category);
          subtotal_tax += tax;
        }
        if (subtotal_tax != d.tax_fen) fail("BR-CO-14 TaxAmount != sum of subtotals");
      } catch (const std::exception& e) {
        fail(std::string("unreadable: ") + e.what());
      }
      docs.push_back(std::move(d));
    }
  }
  return docs;
}

}  // namespace fapiao::api::tax::test
