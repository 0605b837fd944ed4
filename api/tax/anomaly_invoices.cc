// Anomalies read from the invoices of the period, vendor by vendor through the
// vendor time index: duplicates (same buyer, total and lines within a window),
// splitting just under a threshold (per buyer per day), red invoices of blue
// invoices a reimbursing organisation once locked, exempt (zero, not subject)
// lines of an item class the vendor declared taxable, and off-hours issuance.
#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "api/tax/anomaly_report.h"
#include "api/tax/csv.h"
#include "contracts/keys.h"

namespace fapiao::api::tax {
namespace {

using nlohmann::json;

constexpr uint64_t kHourMs = 3'600'000;

struct Seen {
  uint64_t ms;
  std::string number;
  std::vector<std::string> payments;
};

// What makes two invoices the same sale: buyer, total and the lines as issued.
std::string SaleSignature(const pb::Invoice& inv) {
  std::string sig = inv.buyer_hash();
  sig += std::to_string(inv.total_fen());
  for (const auto& l : inv.lines()) {
    const std::string line = l.input().SerializeAsString();
    sig += std::to_string(line.size()) + ":" + line;
  }
  return sig;
}

json Numbers(const std::vector<Seen>& group) {
  json numbers = json::array();
  for (const auto& s : group) numbers.push_back(s.number);
  return numbers;
}

json Payments(const std::vector<Seen>& group) {
  json ids = json::array();
  for (const auto& s : group) {
    for (const auto& p : s.payments) ids.push_back(p);
  }
  return ids;
}

}  // namespace

void DetectDuplicates(const AnomalyInput& in, AnomalyReport& report) {
  const uint64_t window_ms = in.query.window_hours * kHourMs;
  for (const auto& v : in.vendors) {
    if (report.full()) break;
    // signature -> the open group (issue order), flushed when the window closes
    std::map<std::string, std::vector<Seen>> open;
    std::vector<std::pair<uint64_t, std::vector<Seen>>> groups;  // by first issue time
    auto close = [&](std::vector<Seen>& g) {
      if (g.size() >= 2) groups.emplace_back(g.front().ms, std::move(g));
      g.clear();
    };
    std::map<std::string, int64_t> totals;
    ForEachVendorInvoice(in, v.info().vendor_id(), report, [&](const pb::Invoice& inv) {
      if (inv.kind() != pb::BLUE || inv.buyer_hash().empty()) return true;
      const std::string sig = SaleSignature(inv);
      std::vector<Seen>& g = open[sig];
      if (!g.empty() && inv.issued_at_ms() - g.front().ms > window_ms) close(g);
      g.push_back({inv.issued_at_ms(), inv.number(), PaymentIds(inv)});
      totals[inv.number()] = inv.total_fen();
      return true;
    });
    for (auto& [sig, g] : open) close(g);
    std::sort(groups.begin(), groups.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [first_ms, g] : groups) {
      if (!report.Add(json{{"subject", "vendor:" + v.info().vendor_id()},
                           {"vendor_id", v.info().vendor_id()},
                           {"evidence",
                            {{"invoice_numbers", Numbers(g)},
                             {"payment_ids", Payments(g)},
                             {"count", g.size()},
                             {"total_fen", totals[g.front().number]},
                             {"first_issued_at", ChinaLocalTime(g.front().ms)},
                             {"last_issued_at", ChinaLocalTime(g.back().ms)}}}})) {
        break;
      }
    }
  }
}

void DetectSplits(const AnomalyInput& in, AnomalyReport& report) {
  const AnomalyQuery& q = in.query;
  const int64_t low = q.threshold_fen - q.threshold_fen * q.margin_pct / 100;
  for (const auto& v : in.vendors) {
    if (report.full()) break;
    // (date, buyer hash) -> the invoices just under the threshold, in issue order
    std::map<std::pair<std::string, std::string>, std::vector<Seen>> days;
    std::map<std::string, int64_t> totals;
    ForEachVendorInvoice(in, v.info().vendor_id(), report, [&](const pb::Invoice& inv) {
      if (inv.kind() != pb::BLUE || inv.buyer_hash().empty()) return true;
      if (inv.total_fen() < low || inv.total_fen() >= q.threshold_fen) return true;
      days[{inv.date(), inv.buyer_hash()}].push_back(
          {inv.issued_at_ms(), inv.number(), PaymentIds(inv)});
      totals[inv.number()] = inv.total_fen();
      return true;
    });
    std::vector<std::tuple<std::string, uint64_t, const std::vector<Seen>*>> found;
    for (const auto& [key, g] : days) {
      int64_t sum = 0;
      for (const auto& s : g) sum += totals[s.number];
      if (g.size() >= q.min_count && sum >= q.threshold_fen) {
        found.emplace_back(key.first, g.front().ms, &g);
      }
    }
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return std::get<1>(a) < std::get<1>(b); });
    for (const auto& [date, first_ms, g] : found) {
      int64_t sum = 0;
      for (const auto& s : *g) sum += totals[s.number];
      if (!report.Add(json{
              {"subject", "vendor:" + v.info().vendor_id()},
              {"vendor_id", v.info().vendor_id()},
              {"evidence",
               {{"invoice_numbers", Numbers(*g)},
                {"payment_ids", Payments(*g)},
                {"date", date.substr(0, 4) + "-" + date.substr(4, 2) + "-" + date.substr(6, 2)},
                {"count", g->size()},
                {"sum_fen", sum},
                {"threshold_fen", q.threshold_fen},
                {"band_fen", {low, q.threshold_fen - 1}}}}})) {
        break;
      }
    }
  }
}

void DetectRedAfterReimbursement(const AnomalyInput& in, AnomalyReport& report) {
  for (const auto& v : in.vendors) {
    if (report.full()) break;
    ForEachVendorInvoice(in, v.info().vendor_id(), report, [&](const pb::Invoice& red) {
      if (red.kind() != pb::RED) return true;
      pb::Invoice blue;
      const auto bytes = in.view.Get(Column::kState, contracts::keys::Invoice(red.blue_number()));
      if (!bytes || !blue.ParseFromString(*bytes) || !blue.used()) return true;
      return report.Add(json{{"subject", "invoice:" + red.number()},
                             {"vendor_id", red.vendor_id()},
                             {"evidence",
                              {{"invoice_numbers", {blue.number(), red.number()}},
                               {"payment_ids", PaymentIds(blue)},
                               {"blue_number", blue.number()},
                               {"red_number", red.number()},
                               {"form_id", red.form_id()},
                               {"org_member", blue.mark_org()},
                               {"mark", blue.mark() == pb::MARK_CLOSED   ? "closed"
                                        : blue.mark() == pb::MARK_LOCKED ? "locked"
                                                                         : "init"},
                               {"red_total_fen", red.total_fen()},
                               {"red_issued_at", ChinaLocalTime(red.issued_at_ms())}}}});
    });
  }
}

void DetectExemptionMismatches(const AnomalyInput& in, AnomalyReport& report) {
  for (const auto& v : in.vendors) {
    if (report.full()) break;
    // item class -> the vendor's declared default treatment
    std::map<std::string, pb::TaxTreatment> defaults;
    for (const auto& d : v.info().defaults()) defaults[d.item_class()] = d.treatment();
    ForEachVendorInvoice(in, v.info().vendor_id(), report, [&](const pb::Invoice& inv) {
      if (inv.kind() != pb::BLUE) return true;
      for (int i = 0; i < inv.lines_size(); ++i) {
        const pb::LineInput& l = inv.lines(i).input();
        const pb::Treatment claimed = l.treatment().treatment();
        if (claimed == pb::TAXABLE) continue;
        const auto d = defaults.find(l.item_class());
        if (d == defaults.end() || d->second.treatment() != pb::TAXABLE) continue;
        const bool more = report.Add(json{
            {"subject", "invoice:" + inv.number()},
            {"vendor_id", inv.vendor_id()},
            {"evidence",
             {{"invoice_numbers", {inv.number()}},
              {"payment_ids", PaymentIds(inv)},
              {"line", i},
              {"item_class", l.item_class()},
              {"item_name", l.name()},
              {"amount_fen", l.amount_fen()},
              {"claimed",
               {{"treatment", TreatmentName(claimed)},
                {"rate_bp", l.treatment().rate_bp()},
                {"policy_code", l.treatment().policy_code()}}},
              {"expected",
               {{"treatment", TreatmentName(pb::TAXABLE)}, {"rate_bp", d->second.rate_bp()}}}}}});
        if (!more) return false;
      }
      return true;
    });
  }
}

void DetectOffHours(const AnomalyInput& in, AnomalyReport& report) {
  const uint64_t from_ms = in.query.hours_from * kHourMs;
  const uint64_t to_ms = in.query.hours_to * kHourMs;
  for (const auto& v : in.vendors) {
    if (report.full()) break;
    ForEachVendorInvoice(in, v.info().vendor_id(), report, [&](const pb::Invoice& inv) {
      const uint64_t in_day = (inv.issued_at_ms() + kChinaOffsetMs) % (24 * kHourMs);
      if (in_day >= from_ms && in_day < to_ms) return true;
      return report.Add(json{{"subject", "invoice:" + inv.number()},
                             {"vendor_id", inv.vendor_id()},
                             {"evidence",
                              {{"invoice_numbers", {inv.number()}},
                               {"payment_ids", PaymentIds(inv)},
                               {"kind", inv.kind() == pb::RED ? "red" : "blue"},
                               {"issued_at", ChinaLocalTime(inv.issued_at_ms())},
                               {"issued_at_ms", inv.issued_at_ms()},
                               {"total_fen", inv.total_fen()}}}});
    });
  }
}

}  // namespace fapiao::api::tax
