#include "api/tax/ubl.h"

#include "api/merchant/html.h"
#include "api/tax/csv.h"

namespace fapiao::api::tax {
namespace {

__extension__ typedef __int128 I128;

constexpr std::string_view kNs =
    " xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\""
    " xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\"";

std::string Amount(std::string_view tag, int64_t fen) {
  return "<cbc:" + std::string(tag) + " currencyID=\"CNY\">" + Yuan(fen) +
         "</cbc:" + std::string(tag) + ">";
}

std::string El(std::string_view tag, std::string_view text) {
  return "<cbc:" + std::string(tag) + ">" + merchant::HtmlEscape(text) +
         "</cbc:" + std::string(tag) + ">";
}

std::string Unsigned(std::string_view quantity) {
  if (quantity.empty()) return "1";
  if (quantity.front() == '-' || quantity.front() == '+') quantity.remove_prefix(1);
  return std::string(quantity);
}

std::string TaxCategory(std::string_view element, char category, int64_t rate_bp,
                        const std::string& policy_code) {
  std::string out = "<cac:" + std::string(element) + ">" + El("ID", std::string(1, category));
  if (category != 'O') out += El("Percent", PercentOf(rate_bp));
  if (category == 'E' && element == "TaxCategory") {
    out += El("TaxExemptionReasonCode", policy_code);
    out += El("TaxExemptionReason", "Exempt under preferential tax policy " + policy_code);
  }
  if (category == 'O' && element == "TaxCategory") {
    out += El("TaxExemptionReason", "Not subject to VAT");
  }
  out +=
      "<cac:TaxScheme>" + El("ID", "VAT") + "</cac:TaxScheme></cac:" + std::string(element) + ">";
  return out;
}

std::string Party(std::string_view role, const std::string& name, const std::string& tax_id) {
  std::string out = "<cac:" + std::string(role) + "><cac:Party>";
  out += "<cac:PartyName>" + El("Name", name) + "</cac:PartyName>";
  out += "<cac:PostalAddress><cac:Country>" + El("IdentificationCode", "CN") +
         "</cac:Country></cac:PostalAddress>";
  if (!tax_id.empty()) {
    out += "<cac:PartyTaxScheme>" + El("CompanyID", tax_id) + "<cac:TaxScheme>" + El("ID", "VAT") +
           "</cac:TaxScheme></cac:PartyTaxScheme>";
  }
  out += "<cac:PartyLegalEntity>" + El("RegistrationName", name) + "</cac:PartyLegalEntity>";
  out += "</cac:Party></cac:" + std::string(role) + ">";
  return out;
}

}  // namespace

char VatCategory(pb::Treatment t) {
  switch (t) {
    case pb::EXEMPT:
      return 'E';
    case pb::ZERO:
      return 'Z';
    case pb::NOT_SUBJECT:
      return 'O';
    default:
      return 'S';
  }
}

int64_t CategoryTax(int64_t taxable_fen, int64_t rate_bp) {
  const I128 product = static_cast<I128>(taxable_fen) * rate_bp;
  const I128 magnitude = ((product < 0 ? -product : product) + 5000) / 10000;
  return static_cast<int64_t>(product < 0 ? -magnitude : magnitude);
}

UblTotals ComputeTotals(const pb::Invoice& inv) {
  const int64_t sign = inv.kind() == pb::RED ? -1 : 1;
  UblTotals t;
  for (const auto& line : inv.lines()) {
    const auto& treatment = line.input().treatment();
    const char category = VatCategory(treatment.treatment());
    const int64_t rate = category == 'S' ? treatment.rate_bp() : 0;
    const std::string code = category == 'E' ? treatment.policy_code() : "";
    const int64_t net = sign * line.input().amount_fen();
    t.line_extension_fen += net;
    VatBreakdown* slot = nullptr;
    for (auto& b : t.breakdowns) {
      if (b.category == category && b.rate_bp == rate && b.policy_code == code) slot = &b;
    }
    if (!slot) {
      t.breakdowns.push_back(VatBreakdown{category, rate, code, 0, 0});
      slot = &t.breakdowns.back();
    }
    slot->taxable_fen += net;
  }
  for (auto& b : t.breakdowns) {
    b.tax_fen = CategoryTax(b.taxable_fen, b.rate_bp);
    t.tax_fen += b.tax_fen;
  }
  t.tax_inclusive_fen = t.line_extension_fen + t.tax_fen;
  t.payable_fen = sign * inv.total_fen();
  t.rounding_fen = t.payable_fen - t.tax_inclusive_fen;
  return t;
}

std::string UblDocument(const pb::Invoice& inv) {
  const bool credit = inv.kind() == pb::RED;
  const int64_t sign = credit ? -1 : 1;
  const std::string root = credit ? "CreditNote" : "Invoice";
  const UblTotals t = ComputeTotals(inv);
  std::string out = "<" + root + " xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:" + root +
                    "-2\"" + std::string(kNs) + ">";
  out += El("CustomizationID", "urn:cen.eu:en16931:2017");
  out += El("ID", inv.number());
  out += El("IssueDate", IsoDate(inv.date()));
  out += El(credit ? "CreditNoteTypeCode" : "InvoiceTypeCode", credit ? "381" : "380");
  if (t.rounding_fen != 0) {
    out += El("Note", "The ledger rounds VAT per line: its tax is " + Yuan(sign * inv.tax_fen()) +
                          "; the breakdown rounds per category; the difference is the " +
                          "PayableRoundingAmount.");
  }
  out += El("DocumentCurrencyCode", "CNY");
  if (credit) {
    out += "<cac:BillingReference><cac:InvoiceDocumentReference>" + El("ID", inv.blue_number()) +
           "</cac:InvoiceDocumentReference></cac:BillingReference>";
  }
  out += Party("AccountingSupplierParty", inv.seller_name(), inv.seller_id().value());
  const bool org = inv.buyer().type() == pb::ORGANISATION;
  out += Party("AccountingCustomerParty", org ? inv.buyer().org_name() : "个人",
               org ? inv.buyer().org_taxpayer_id().value() : "");
  out += "<cac:TaxTotal>" + Amount("TaxAmount", t.tax_fen);
  for (const auto& b : t.breakdowns) {
    out += "<cac:TaxSubtotal>" + Amount("TaxableAmount", b.taxable_fen) +
           Amount("TaxAmount", b.tax_fen) +
           TaxCategory("TaxCategory", b.category, b.rate_bp, b.policy_code) + "</cac:TaxSubtotal>";
  }
  out += "</cac:TaxTotal>";
  out += "<cac:LegalMonetaryTotal>" + Amount("LineExtensionAmount", t.line_extension_fen) +
         Amount("TaxExclusiveAmount", t.line_extension_fen) +
         Amount("TaxInclusiveAmount", t.tax_inclusive_fen);
  if (t.rounding_fen != 0) out += Amount("PayableRoundingAmount", t.rounding_fen);
  out += Amount("PayableAmount", t.payable_fen) + "</cac:LegalMonetaryTotal>";
  const std::string line_el = credit ? "CreditNoteLine" : "InvoiceLine";
  const std::string qty_el = credit ? "CreditedQuantity" : "InvoicedQuantity";
  for (int i = 0; i < inv.lines_size(); ++i) {
    const auto& in = inv.lines(i).input();
    const char category = VatCategory(in.treatment().treatment());
    const int64_t rate = category == 'S' ? in.treatment().rate_bp() : 0;
    const int64_t net = sign * in.amount_fen();
    const std::string qty = Unsigned(in.quantity());
    out += "<cac:" + line_el + ">" + El("ID", std::to_string(i + 1));
    out += "<cbc:" + qty_el + " unitCode=\"C62\">" + merchant::HtmlEscape(qty) + "</cbc:" + qty_el +
           ">";
    out += Amount("LineExtensionAmount", net);
    out += "<cac:Item>" + El("Name", in.name());
    if (!in.item_class().empty()) {
      out += "<cac:CommodityClassification><cbc:ItemClassificationCode listID=\"ZZZ\">" +
             merchant::HtmlEscape(in.item_class()) +
             "</cbc:ItemClassificationCode></cac:CommodityClassification>";
    }
    out += TaxCategory("ClassifiedTaxCategory", category, rate, "") + "</cac:Item>";
    out += "<cac:Price>" + Amount("PriceAmount", net) + "<cbc:BaseQuantity unitCode=\"C62\">" +
           merchant::HtmlEscape(qty) + "</cbc:BaseQuantity></cac:Price>";
    out += "</cac:" + line_el + ">";
  }
  out += "</" + root + ">";
  return out;
}

std::string UblExportOpen() {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Export xmlns=\"urn:fapiao:tax-export:1\">\n";
}

std::string UblExportClose() {
  return "</Export>\n";
}

}  // namespace fapiao::api::tax
