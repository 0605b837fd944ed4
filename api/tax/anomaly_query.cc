#include "api/tax/anomaly_query.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <utility>
#include <vector>

namespace fapiao::api::tax {
namespace {

namespace chr = std::chrono;

Problem BadQuery(const std::string& param, const std::string& why) {
  return MakeProblem(400, "request.invalid_query", param + " " + why, param);
}

constexpr std::array<std::pair<AnomalyKind, std::string_view>, 9> kKinds = {{
    {AnomalyKind::kUninvoicedPayment, "uninvoiced_payment"},
    {AnomalyKind::kOverPayment, "over_payment"},
    {AnomalyKind::kDuplicate, "duplicate"},
    {AnomalyKind::kSplitBelowThreshold, "split_below_threshold"},
    {AnomalyKind::kSmallScaleOverLimit, "small_scale_over_limit"},
    {AnomalyKind::kRedLetterRate, "red_letter_rate"},
    {AnomalyKind::kRedAfterReimbursement, "red_after_reimbursement"},
    {AnomalyKind::kExemptionMismatch, "exemption_mismatch"},
    {AnomalyKind::kOffHours, "off_hours"},
}};

// The parameters each kind reads besides the common ones.
std::vector<std::string_view> KindParams(AnomalyKind kind) {
  switch (kind) {
    case AnomalyKind::kUninvoicedPayment:
      return {"days"};
    case AnomalyKind::kDuplicate:
      return {"window_hours"};
    case AnomalyKind::kSplitBelowThreshold:
      return {"threshold_fen", "margin_pct", "min_count"};
    case AnomalyKind::kRedLetterRate:
      return {"rate_pct", "min_blue"};
    case AnomalyKind::kOffHours:
      return {"hours"};
    default:
      return {};
  }
}

bool Digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// An unsigned integer parameter in [lo, hi], or `fallback` when absent.
ProblemOr<int64_t> Number(const Request& req, const std::string& name, int64_t lo, int64_t hi,
                          int64_t fallback) {
  const auto v = req.Query(name);
  if (!v) return fallback;
  if (!Digits(*v) || v->size() > 15) return BadQuery(name, "must be a whole number");
  const int64_t n = std::stoll(std::string(*v));
  if (n < lo || n > hi) {
    return BadQuery(name, "must be from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return n;
}

}  // namespace

std::string_view AnomalyKindName(AnomalyKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "";
}

ProblemOr<AnomalyQuery> ParseAnomalyQuery(const Request& req) {
  AnomalyQuery q;
  const auto kind = req.Query("kind");
  if (!kind) return BadQuery("kind", "is required");
  const auto known =
      std::find_if(kKinds.begin(), kKinds.end(), [&](const auto& k) { return k.second == *kind; });
  if (known == kKinds.end()) return BadQuery("kind", "is not a known anomaly kind");
  q.kind = known->first;
  std::vector<std::string_view> allowed = {"kind", "from", "to", "vendor", "market", "limit"};
  for (std::string_view p : KindParams(q.kind)) allowed.push_back(p);
  for (const auto& [name, value] : req.query_params) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return BadQuery(name, "is not a parameter of this kind");
    }
  }
  std::optional<chr::sys_days> bounds[2];
  const char* names[2] = {"from", "to"};
  for (int i = 0; i < 2; ++i) {
    const auto text = req.Query(names[i]);
    if (!text) return BadQuery(names[i], "is required (YYYY-MM-DD, China time)");
    bounds[i] = ParseIsoDate(*text);
    if (!bounds[i] || !InLedgerYears(*bounds[i])) {
      return BadQuery(names[i], "must be a calendar date YYYY-MM-DD");
    }
  }
  q.from = *bounds[0];
  q.to = *bounds[1];
  if (q.to < q.from) return BadQuery("to", "is before from");
  if ((q.to - q.from).count() + 1 > kMaxAnomalyDays) {
    return BadQuery("to", "is more than " + std::to_string(kMaxAnomalyDays) + " days from from");
  }
  q.from_ms = DayStartMs(q.from);
  q.to_ms = DayStartMs(q.to + chr::days{1});
  if (auto v = req.Query("vendor")) {
    if (v->empty()) return BadQuery("vendor", "must not be empty");
    q.vendor = std::string(*v);
  }
  if (auto m = req.Query("market")) {
    if (m->empty()) return BadQuery("market", "must not be empty");
    q.market = std::string(*m);
  }
  const std::pair<const char*, ProblemOr<int64_t>> numbers[] = {
      {"limit", Number(req, "limit", 1, kMaxAnomalyLimit, q.limit)},
      {"days", Number(req, "days", 0, 3660, q.days)},
      {"window_hours", Number(req, "window_hours", 1, 24 * 31, q.window_hours)},
      {"threshold_fen", Number(req, "threshold_fen", 1, 1'000'000'000'000, q.threshold_fen)},
      {"margin_pct", Number(req, "margin_pct", 1, 99, q.margin_pct)},
      {"min_count", Number(req, "min_count", 2, 1000, q.min_count)},
      {"rate_pct", Number(req, "rate_pct", 1, 100, q.rate_pct)},
      {"min_blue", Number(req, "min_blue", 1, 1'000'000, q.min_blue)},
  };
  for (const auto& [name, n] : numbers) {
    if (!n) return n.problem();
  }
  q.limit = static_cast<uint32_t>(numbers[0].second.value());
  q.days = static_cast<uint32_t>(numbers[1].second.value());
  q.window_hours = static_cast<uint32_t>(numbers[2].second.value());
  q.threshold_fen = numbers[3].second.value();
  q.margin_pct = static_cast<uint32_t>(numbers[4].second.value());
  q.min_count = static_cast<uint32_t>(numbers[5].second.value());
  q.rate_pct = static_cast<uint32_t>(numbers[6].second.value());
  q.min_blue = static_cast<uint32_t>(numbers[7].second.value());
  if (auto h = req.Query("hours")) {
    // "HH-HH": the allowed hours, start inclusive, end exclusive, 00 <= start < end <= 24.
    const std::string_view s = *h;
    if (s.size() != 5 || s[2] != '-' || !Digits(s.substr(0, 2)) || !Digits(s.substr(3, 2))) {
      return BadQuery("hours", "must be HH-HH (allowed hours, China time)");
    }
    q.hours_from = static_cast<uint32_t>(std::stoi(std::string(s.substr(0, 2))));
    q.hours_to = static_cast<uint32_t>(std::stoi(std::string(s.substr(3, 2))));
    if (q.hours_from >= q.hours_to || q.hours_to > 24) {
      return BadQuery("hours", "must be HH-HH with 00 <= start < end <= 24");
    }
  }
  return q;
}

}  // namespace fapiao::api::tax
