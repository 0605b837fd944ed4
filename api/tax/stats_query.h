// The parts of the statistics routes that know no HTTP roles: the query
// parameters (period, from, to, group_by) as China Standard Time dates, the sum
// of per-day aggregates (contracts' DayAggregate, read by key lookups only) and
// its JSON. Pure functions over their arguments and the given StateView.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/problem.h"
#include "api/router.h"
#include "api/tax/china_days.h"
#include "ledger/core/state.h"
#include "proto/contracts.pb.h"

namespace fapiao::api::tax {

inline constexpr int kMaxStatsDays = 366;

enum class Period { kDay, kMonth };

// from..to inclusive, China Standard Time dates.
struct DayRange {
  std::chrono::sys_days from;
  std::chrono::sys_days to;
};

// Reads `from` and `to` (YYYY-MM-DD, both required) and rejects parameters not
// in `allowed`: 400 request.invalid_query naming the parameter, 422
// stats.range_reversed / stats.range_too_long (more than kMaxStatsDays) naming `to`.
ProblemOr<DayRange> ParseDayRange(const Request& request, const std::vector<std::string>& allowed);
// `period`: day (default) or month; 400 request.invalid_query naming it.
ProblemOr<Period> ParsePeriod(const Request& request);

// A sum of DayAggregates.
struct Stats {
  int64_t blue_total_fen = 0;
  int64_t red_total_fen = 0;
  int64_t net_total_fen = 0;
  int64_t blue_tax_fen = 0;
  int64_t red_tax_fen = 0;
  uint64_t blue_count = 0;
  uint64_t red_count = 0;
  // (rate_bp, treatment) -> (amount_fen, tax_fen)
  std::map<std::pair<int64_t, int>, std::pair<int64_t, int64_t>> by_rate;

  void Add(const pb::DayAggregate& day);
  void Add(const Stats& other);
};

// The aggregate at `key` (Column::kIndex) added to `into`; absent means nothing that day.
void AddAggregateAt(const StateView& view, const Bytes& key, Stats& into);

nlohmann::json StatsJson(const Stats& stats);

// Per-bucket statistics over `range` for the day keys `key_of(YYYYMMDD)`: one
// bucket per day or per calendar month (clipped to the range), every bucket
// present even when empty, plus the totals. {"period", "from", "to",
// "buckets": [{"period", "from", "to", ...StatsJson}], "totals": StatsJson}.
template <typename KeyOf>
nlohmann::json BucketedStats(const StateView& view, const DayRange& range, Period period,
                             const KeyOf& key_of) {
  using nlohmann::json;
  json buckets = json::array();
  Stats totals;
  auto flush = [&](std::chrono::sys_days first, std::chrono::sys_days last, const Stats& s) {
    json b = StatsJson(s);
    b["period"] = period == Period::kDay ? IsoDate(first) : MonthLabel(first);
    b["from"] = IsoDate(first);
    b["to"] = IsoDate(last);
    buckets.push_back(std::move(b));
    totals.Add(s);
  };
  Stats current;
  std::chrono::sys_days first = range.from;
  for (std::chrono::sys_days d = range.from; d <= range.to; d += std::chrono::days{1}) {
    AddAggregateAt(view, key_of(KeyDate(d)), current);
    const std::chrono::sys_days next = d + std::chrono::days{1};
    const bool bucket_ends = period == Period::kDay || d == range.to ||
                             std::chrono::year_month_day(next).day() == std::chrono::day{1};
    if (bucket_ends) {
      flush(first, d, current);
      current = Stats{};
      first = next;
    }
  }
  return json{{"period", period == Period::kDay ? "day" : "month"},
              {"from", IsoDate(range.from)},
              {"to", IsoDate(range.to)},
              {"buckets", std::move(buckets)},
              {"totals", StatsJson(totals)}};
}

}  // namespace fapiao::api::tax
