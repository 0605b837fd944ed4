// GET /v1/tax/anomalies?kind=... (docs/http.md "Tax API: anomaly reports"): a
// tax officer's report of one kind of anomaly over a China-time period, each
// finding with its evidence. Recorded through AuthorizeTaxQuery before anything
// is read; "now" is the latest committed block's time, so a report at a given
// height is reproducible. Leads for a human, never penalties.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "api/merchant/common.h"
#include "api/tax/anomaly_query.h"
#include "api/tax/anomaly_report.h"
#include "api/tax/recorded.h"
#include "api/tax/tax_api.h"
#include "contracts/keys.h"

namespace fapiao::api::tax {
namespace {

using nlohmann::json;

// Every vendor record ("ven/", one per vendor: a roster, not invoices), of
// `market` when set, sorted by id.
std::vector<pb::Vendor> RosterVendors(const StateView& view, const std::string& market) {
  Bytes prefix = contracts::keys::Vendor("");
  prefix.resize(prefix.size() - 4);  // "ven/" without the length of the id
  std::vector<pb::Vendor> out;
  view.ScanPrefix(Column::kState, prefix, [&](ByteView, ByteView value) {
    pb::Vendor v;
    if (v.ParseFromArray(value.data(), static_cast<int>(value.size())) &&
        (market.empty() || v.info().market() == market)) {
      out.push_back(std::move(v));
    }
    return true;
  });
  std::sort(out.begin(), out.end(), [](const pb::Vendor& a, const pb::Vendor& b) {
    return a.info().vendor_id() < b.info().vendor_id();
  });
  return out;
}

void Detect(const AnomalyInput& in, AnomalyReport& report) {
  switch (in.query.kind) {
    case AnomalyKind::kUninvoicedPayment:
      return DetectUninvoicedPayments(in, report);
    case AnomalyKind::kOverPayment:
      return DetectOverPayments(in, report);
    case AnomalyKind::kDuplicate:
      return DetectDuplicates(in, report);
    case AnomalyKind::kSplitBelowThreshold:
      return DetectSplits(in, report);
    case AnomalyKind::kSmallScaleOverLimit:
      return DetectSmallScaleOverLimit(in, report);
    case AnomalyKind::kRedLetterRate:
      return DetectRedLetterRates(in, report);
    case AnomalyKind::kRedAfterReimbursement:
      return DetectRedAfterReimbursement(in, report);
    case AnomalyKind::kExemptionMismatch:
      return DetectExemptionMismatches(in, report);
    case AnomalyKind::kOffHours:
      return DetectOffHours(in, report);
  }
}

// The parameters the report was computed with (defaults filled in).
json Parameters(const AnomalyQuery& q) {
  json p = json::object();
  switch (q.kind) {
    case AnomalyKind::kUninvoicedPayment:
      p["days"] = q.days;
      break;
    case AnomalyKind::kDuplicate:
      p["window_hours"] = q.window_hours;
      break;
    case AnomalyKind::kSplitBelowThreshold:
      p["threshold_fen"] = q.threshold_fen;
      p["margin_pct"] = q.margin_pct;
      p["min_count"] = q.min_count;
      break;
    case AnomalyKind::kRedLetterRate:
      p["rate_pct"] = q.rate_pct;
      p["min_blue"] = q.min_blue;
      break;
    case AnomalyKind::kOffHours: {
      char buf[8];
      std::snprintf(buf, sizeof buf, "%02u-%02u", q.hours_from, q.hours_to);
      p["hours"] = buf;
      break;
    }
    default:
      break;
  }
  return p;
}

Response Anomalies(const TaxContext& ctx, const Request& req) {
  auto officer = AuthorizeTaxQuery(ctx, req);
  if (!officer) return merchant::ProblemReply(officer.problem());
  auto parsed = ParseAnomalyQuery(req);
  if (!parsed) return ProblemResponse(parsed.problem());
  const AnomalyQuery& q = parsed.value();
  // The time first: the state read below is at least as new as the block it names.
  const uint64_t as_of_ms = ctx.state->block_time_ms();
  const uint64_t height = ctx.state->height();
  const StateView& view = ctx.state->view();
  AnomalyInput in{view, q, as_of_ms, {}, q.vendor.empty() && q.market.empty()};
  if (!q.vendor.empty()) {
    pb::Vendor vendor;
    if (!merchant::LoadRecord(view, contracts::keys::Vendor(q.vendor), vendor)) {
      return ProblemResponse(
          MakeProblem(404, "vendor.unknown", "No vendor '" + q.vendor + "'.", "vendor"));
    }
    if (q.market.empty() || vendor.info().market() == q.market) {
      in.vendors.push_back(std::move(vendor));
    }
  } else {
    in.vendors = RosterVendors(view, q.market);
  }
  AnomalyReport report(q.limit);
  Detect(in, report);
  const bool by_aggregates =
      q.kind == AnomalyKind::kSmallScaleOverLimit || q.kind == AnomalyKind::kRedLetterRate;
  json body{{"kind", AnomalyKindName(q.kind)},
            {"from", IsoDate(q.from)},
            {"to", IsoDate(q.to)},
            {"timezone", "+08:00"},
            {"as_of_ms", as_of_ms},
            {"height", height},
            {"parameters", Parameters(q)},
            {"checked",
             {{"invoices", report.invoices},
              {"payments", report.payments},
              {"vendors", by_aggregates ? report.vendors : in.vendors.size()}}},
            {"findings", report.findings()},
            {"truncated", report.truncated()}};
  if (!q.vendor.empty()) body["vendor"] = q.vendor;
  if (!q.market.empty()) body["market"] = q.market;
  for (auto& [name, value] : report.extra.items()) body[name] = value;
  return JsonResponse(200, body);
}

}  // namespace

void AddAnomalyRoutes(Router& router, const TaxContext& ctx) {
  router.Add("GET", "/v1/tax/anomalies", [ctx](const Request& req) { return Anomalies(ctx, req); });
}

}  // namespace fapiao::api::tax
