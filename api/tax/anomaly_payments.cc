// Anomalies of attested payments: payments never invoiced `days` after they were
// paid (measured at the latest block's time), and the over-payment proof (blue
// allocations recomputed from the invoices never exceed their payment; each
// blue invoice's total is the sum of its allocations).
#include <string>
#include <vector>

#include "api/tax/anomaly_report.h"
#include "contracts/codes.h"
#include "contracts/keys.h"

namespace fapiao::api::tax {
namespace {

using nlohmann::json;

}  // namespace

void DetectUninvoicedPayments(const AnomalyInput& in, AnomalyReport& report) {
  const uint64_t wait_ms = static_cast<uint64_t>(in.query.days) * kDayMs;
  ForEachPeriodPayment(in, report, [&](const pb::Payment& p) {
    const pb::AttestPayment& a = p.attested();
    if (p.invoice_count() > 0) return true;
    if (a.paid_at_ms() + wait_ms > in.as_of_ms) return true;  // not yet due
    const std::string id = PaymentId(p.provider(), a.reference());
    return report.Add(json{{"subject", "payment:" + id},
                           {"vendor_id", a.vendor_id()},
                           {"evidence",
                            {{"payment_ids", {id}},
                             {"invoice_numbers", json::array()},
                             {"amount_fen", a.amount_fen()},
                             {"paid_at", ChinaLocalTime(a.paid_at_ms())},
                             {"paid_at_ms", a.paid_at_ms()},
                             {"days_uninvoiced", (in.as_of_ms - a.paid_at_ms()) / kDayMs},
                             {"requested", p.requested()}}}});
  });
}

void DetectOverPayments(const AnomalyInput& in, AnomalyReport& report) {
  uint64_t allocations = 0, payment_invoices = 0;
  // Payments paid in the period: their blue allocations, from the invoices.
  ForEachPeriodPayment(in, report, [&](const pb::Payment& p) {
    const pb::AttestPayment& a = p.attested();
    const Bytes prefix = contracts::keys::PaymentInvoicePrefix(p.provider(), a.reference());
    int64_t allocated = 0;
    uint32_t blue = 0;
    std::vector<std::string> numbers;
    in.view.ScanPrefix(Column::kIndex, prefix, [&](ByteView key, ByteView) {
      const std::string number(key.substr(prefix.size()));
      pb::Invoice inv;
      const auto bytes = in.view.Get(Column::kState, contracts::keys::Invoice(number));
      if (!bytes || !inv.ParseFromString(*bytes) || inv.kind() != pb::BLUE) return true;
      ++payment_invoices;
      numbers.push_back(number);
      ++blue;
      for (const auto& al : inv.allocations()) {
        if (al.payment().provider() == p.provider() && al.payment().reference() == a.reference()) {
          ++allocations;
          allocated += al.amount_fen();
        }
      }
      return true;
    });
    if (allocated <= a.amount_fen() && allocated == p.invoiced_fen() && blue == p.invoice_count()) {
      return true;
    }
    const std::string id = PaymentId(p.provider(), a.reference());
    return report.Add(json{{"subject", "payment:" + id},
                           {"vendor_id", a.vendor_id()},
                           {"evidence",
                            {{"payment_ids", {id}},
                             {"invoice_numbers", numbers},
                             {"amount_fen", a.amount_fen()},
                             {"allocated_fen", allocated},
                             {"recorded_invoiced_fen", p.invoiced_fen()},
                             {"blue_invoices", blue},
                             {"recorded_invoice_count", p.invoice_count()}}}});
  });
  // Blue invoices issued in the period: total = pre-tax + tax = sum of allocations.
  for (const auto& v : in.vendors) {
    if (report.full()) break;
    ForEachVendorInvoice(in, v.info().vendor_id(), report, [&](const pb::Invoice& inv) {
      if (inv.kind() != pb::BLUE) return true;
      int64_t allocated = 0;
      for (const auto& al : inv.allocations()) allocated += al.amount_fen();
      if (allocated == inv.total_fen() && inv.pre_tax_fen() + inv.tax_fen() == inv.total_fen()) {
        return true;
      }
      return report.Add(json{{"subject", "invoice:" + inv.number()},
                             {"vendor_id", inv.vendor_id()},
                             {"evidence",
                              {{"invoice_numbers", {inv.number()}},
                               {"payment_ids", PaymentIds(inv)},
                               {"total_fen", inv.total_fen()},
                               {"pre_tax_fen", inv.pre_tax_fen()},
                               {"tax_fen", inv.tax_fen()},
                               {"allocated_fen", allocated}}}});
    });
  }
  report.extra["proof"] =
      json{{"payments_checked", report.payments},
           {"payment_invoices_checked", payment_invoices},
           {"allocations_checked", allocations},
           {"invoices_checked", report.invoices},
           {"rules",
            {{{"code", contracts::code::kOverPayment},
              {"rule",
               "a blue invoice's allocation is refused when the payment's invoiced amount "
               "would exceed its attested amount"}},
             {{"code", contracts::code::kTotalMismatch},
              {"rule",
               "a blue invoice is refused unless its total equals the sum of its "
               "allocations"}},
             {{"code", contracts::code::kTooManyInvoices},
              {"rule", "a payment backs at most 5 blue invoices"}}}},
           {"holds", report.findings().empty()}};
}

}  // namespace fapiao::api::tax
