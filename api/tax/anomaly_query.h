// The parameters of GET /v1/tax/anomalies (docs/http.md "Tax API: anomaly
// reports"): the kind, the China-time period (at most 366 days), the scope
// (vendor, market), the findings limit and each kind's thresholds, parsed from
// the query string or a 400 request.invalid_query problem naming the parameter.
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/problem.h"
#include "api/router.h"
#include "api/tax/china_days.h"

namespace fapiao::api::tax {

enum class AnomalyKind {
  kUninvoicedPayment,
  kOverPayment,
  kDuplicate,
  kSplitBelowThreshold,
  kSmallScaleOverLimit,
  kRedLetterRate,
  kRedAfterReimbursement,
  kExemptionMismatch,
  kOffHours,
};

inline constexpr int kMaxAnomalyDays = 366;
inline constexpr uint32_t kMaxAnomalyLimit = 1000;

struct AnomalyQuery {
  AnomalyKind kind = AnomalyKind::kUninvoicedPayment;
  std::chrono::sys_days from{};  // China-time dates, inclusive
  std::chrono::sys_days to{};
  uint64_t from_ms = 0;  // first ms of `from` (China time)
  uint64_t to_ms = 0;    // first ms after `to`: exclusive
  std::string vendor;    // empty: every vendor (of `market` when set)
  std::string market;
  uint32_t limit = 100;
  // Thresholds; each kind reads its own (others are refused as unknown).
  uint32_t days = 30;                 // uninvoiced_payment
  uint32_t window_hours = 24;         // duplicate
  int64_t threshold_fen = 1'000'000;  // split_below_threshold: RMB 10,000
  uint32_t margin_pct = 10;           // split_below_threshold
  uint32_t min_count = 3;             // split_below_threshold
  uint32_t rate_pct = 10;             // red_letter_rate
  uint32_t min_blue = 10;             // red_letter_rate
  uint32_t hours_from = 6;            // off_hours: allowed [hours_from, hours_to) China time
  uint32_t hours_to = 22;
};

std::string_view AnomalyKindName(AnomalyKind kind);

// Codes: 400 request.invalid_query (field = the parameter: unknown parameter,
// missing or unknown kind, malformed or missing date, reversed or too long
// period, empty vendor/market, a number out of range).
ProblemOr<AnomalyQuery> ParseAnomalyQuery(const Request& request);

}  // namespace fapiao::api::tax
