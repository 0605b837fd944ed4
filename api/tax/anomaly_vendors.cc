// Anomalies read from the per-vendor per-day aggregates (VendorDay lookups, no
// invoice scans): small-scale vendors over RMB 100,000 net in a calendar month
// or RMB 5,000,000 in a calendar year, and vendors whose red-letter rate over
// the period reaches a threshold (their red invoices listed as evidence).
#include <chrono>
#include <cstdio>
#include <string>

#include "api/tax/anomaly_report.h"
#include "api/tax/stats_query.h"
#include "contracts/keys.h"

namespace fapiao::api::tax {
namespace {

using nlohmann::json;
namespace chr = std::chrono;

constexpr int64_t kMonthlyLimitFen = 10'000'000;  // RMB 100,000
constexpr int64_t kAnnualLimitFen = 500'000'000;  // RMB 5,000,000
constexpr size_t kMaxRedNumbers = 20;

std::string PercentEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

json Figures(const Stats& s) {
  return json{{"net_total_fen", s.net_total_fen},
              {"blue_total_fen", s.blue_total_fen},
              {"red_total_fen", s.red_total_fen},
              {"blue_count", s.blue_count},
              {"red_count", s.red_count}};
}

json Limit(const std::string& vendor_id, const std::string& period, chr::sys_days first,
           chr::sys_days last, const Stats& s, int64_t limit_fen) {
  json evidence = Figures(s);
  evidence["period"] = period;
  evidence["from"] = IsoDate(first);
  evidence["to"] = IsoDate(last);
  evidence["limit_fen"] = limit_fen;
  evidence["invoice_numbers"] = json::array();
  evidence["payment_ids"] = json::array();
  evidence["search"] = "/v1/tax/invoices?vendor=" + PercentEncode(vendor_id) +
                       "&from=" + IsoDate(first) + "&to=" + IsoDate(last);
  return json{{"subject", "vendor:" + vendor_id},
              {"vendor_id", vendor_id},
              {"evidence", std::move(evidence)}};
}

}  // namespace

void DetectSmallScaleOverLimit(const AnomalyInput& in, AnomalyReport& report) {
  // Whole calendar months touched by the period; a year: its months among them.
  const chr::year_month_day from(in.query.from), to(in.query.to);
  const chr::sys_days first{from.year() / from.month() / chr::day{1}};
  const chr::sys_days last{to.year() / to.month() / chr::last};
  report.extra["months"] = json{{"from", IsoDate(first)}, {"to", IsoDate(last)}};
  for (const auto& v : in.vendors) {
    if (report.full()) break;
    if (v.info().taxpayer_type() != pb::SMALL_SCALE) continue;
    ++report.vendors;
    const std::string& id = v.info().vendor_id();
    Stats month, year;
    chr::sys_days month_first = first, year_first = first;
    for (chr::sys_days d = first; d <= last; d += chr::days{1}) {
      AddAggregateAt(in.view, contracts::keys::VendorDay(id, KeyDate(d)), month);
      const chr::year_month_day next(d + chr::days{1});
      if (next.day() != chr::day{1}) continue;
      if (month.net_total_fen > kMonthlyLimitFen &&
          !report.Add(Limit(id, "month", month_first, d, month, kMonthlyLimitFen))) {
        return;
      }
      year.Add(month);
      month = Stats{};
      month_first = d + chr::days{1};
      if (next.month() == chr::January || d == last) {
        if (year.net_total_fen > kAnnualLimitFen &&
            !report.Add(Limit(id, "year", year_first, d, year, kAnnualLimitFen))) {
          return;
        }
        year = Stats{};
        year_first = d + chr::days{1};
      }
    }
  }
}

void DetectRedLetterRates(const AnomalyInput& in, AnomalyReport& report) {
  const AnomalyQuery& q = in.query;
  for (const auto& v : in.vendors) {
    if (report.full()) break;
    ++report.vendors;
    const std::string& id = v.info().vendor_id();
    Stats s;
    for (chr::sys_days d = q.from; d <= q.to; d += chr::days{1}) {
      AddAggregateAt(in.view, contracts::keys::VendorDay(id, KeyDate(d)), s);
    }
    if (s.blue_count < q.min_blue || s.red_count * 100 < q.rate_pct * s.blue_count) continue;
    json reds = json::array();
    ForEachVendorInvoice(in, id, report, [&](const pb::Invoice& inv) {
      if (inv.kind() == pb::RED) reds.push_back(inv.number());
      return reds.size() < kMaxRedNumbers;
    });
    json evidence = Figures(s);
    evidence["rate_bp"] = s.red_count * 10000 / s.blue_count;  // no floating point
    evidence["threshold_pct"] = q.rate_pct;
    evidence["invoice_numbers"] = std::move(reds);
    evidence["payment_ids"] = json::array();
    if (!report.Add(json{
            {"subject", "vendor:" + id}, {"vendor_id", id}, {"evidence", std::move(evidence)}})) {
      break;
    }
  }
}

}  // namespace fapiao::api::tax
