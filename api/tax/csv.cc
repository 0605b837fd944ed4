#include "api/tax/csv.h"

#include <vector>

namespace fapiao::api::tax {
namespace {

constexpr const char* kColumns[] = {
    "number",          "kind",        "date",          "issued_at_ms", "vendor_id", "seller_name",
    "seller_id",       "market",      "buyer_type",    "buyer_name",   "buyer_id",  "blue_number",
    "form_id",         "line",        "item_class",    "item_name",    "quantity",  "unit",
    "unit_price",      "line_amount", "line_tax",      "rate_percent", "treatment", "policy_code",
    "invoice_pre_tax", "invoice_tax", "invoice_total", "mark_status",
};

std::string MarkName(pb::MarkStatus m) {
  switch (m) {
    case pb::MARK_LOCKED:
      return "locked";
    case pb::MARK_CLOSED:
      return "closed";
    default:
      return "none";
  }
}

void Row(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += CsvField(fields[i]);
  }
  out += "\r\n";
}

}  // namespace

std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string Yuan(int64_t fen) {
  const bool negative = fen < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  std::string cents = std::to_string(magnitude % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return (negative ? "-" : "") + std::to_string(magnitude / 100) + "." + cents;
}

std::string PercentOf(int64_t rate_bp) {
  std::string out = std::to_string(rate_bp / 100);
  const int64_t frac = rate_bp % 100;
  if (frac != 0) {
    out += '.';
    out += static_cast<char>('0' + frac / 10);
    if (frac % 10 != 0) out += static_cast<char>('0' + frac % 10);
  }
  return out;
}

std::string TreatmentName(pb::Treatment t) {
  switch (t) {
    case pb::TAXABLE:
      return "taxable";
    case pb::EXEMPT:
      return "exempt";
    case pb::ZERO:
      return "zero";
    case pb::NOT_SUBJECT:
      return "not_subject";
    default:
      return "unspecified";
  }
}

std::string KindName(pb::InvoiceKind k) {
  return k == pb::RED ? "red" : "blue";
}

std::string BuyerTypeName(pb::TitleType t) {
  return t == pb::ORGANISATION ? "organisation" : "individual";
}

std::string IsoDate(std::string_view d) {
  if (d.size() != 8) return std::string(d);
  return std::string(d.substr(0, 4)) + "-" + std::string(d.substr(4, 2)) + "-" +
         std::string(d.substr(6, 2));
}

std::string CsvHeader() {
  std::string out;
  Row(out, std::vector<std::string>(std::begin(kColumns), std::end(kColumns)));
  return out;
}

std::string CsvRows(const pb::Invoice& inv) {
  std::string out;
  const bool org = inv.buyer().type() == pb::ORGANISATION;
  for (int i = 0; i < inv.lines_size(); ++i) {
    const auto& line = inv.lines(i);
    const auto& in = line.input();
    Row(out, {inv.number(),
              KindName(inv.kind()),
              IsoDate(inv.date()),
              std::to_string(inv.issued_at_ms()),
              inv.vendor_id(),
              inv.seller_name(),
              inv.seller_id().value(),
              inv.market(),
              BuyerTypeName(inv.buyer().type()),
              org ? inv.buyer().org_name() : "个人",
              org ? inv.buyer().org_taxpayer_id().value() : "",
              inv.blue_number(),
              inv.form_id(),
              std::to_string(i + 1),
              in.item_class(),
              in.name(),
              in.quantity(),
              in.unit(),
              in.unit_price(),
              Yuan(in.amount_fen()),
              Yuan(line.tax_fen()),
              PercentOf(in.treatment().rate_bp()),
              TreatmentName(in.treatment().treatment()),
              in.treatment().policy_code(),
              Yuan(inv.pre_tax_fen()),
              Yuan(inv.tax_fen()),
              Yuan(inv.total_fen()),
              MarkName(inv.mark())});
  }
  return out;
}

}  // namespace fapiao::api::tax
