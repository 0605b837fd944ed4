#include "api/tax/stats_query.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "api/tax/csv.h"

namespace fapiao::api::tax {
namespace {

using nlohmann::json;
namespace chr = std::chrono;

Problem BadQuery(const std::string& name, const std::string& detail) {
  return MakeProblem(400, "request.invalid_query", detail, name);
}

}  // namespace

ProblemOr<DayRange> ParseDayRange(const Request& request, const std::vector<std::string>& allowed) {
  for (const auto& [name, value] : request.query_params) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return BadQuery(name, "the query parameter '" + name + "' is not known here");
    }
  }
  std::optional<chr::sys_days> bounds[2];
  const char* names[2] = {"from", "to"};
  for (int i = 0; i < 2; ++i) {
    const auto text = request.Query(names[i]);
    if (!text) return BadQuery(names[i], std::string(names[i]) + " (YYYY-MM-DD) is required");
    bounds[i] = ParseIsoDate(*text);
    if (!bounds[i]) {
      return BadQuery(names[i], std::string(names[i]) + " must be a date YYYY-MM-DD");
    }
  }
  const DayRange range{*bounds[0], *bounds[1]};
  if (range.to < range.from) {
    return MakeProblem(422, "stats.range_reversed", "to is before from", "to");
  }
  if ((range.to - range.from).count() + 1 > kMaxStatsDays) {
    return MakeProblem(422, "stats.range_too_long",
                       "a range covers at most " + std::to_string(kMaxStatsDays) + " days", "to");
  }
  return range;
}

ProblemOr<Period> ParsePeriod(const Request& request) {
  const auto text = request.Query("period");
  if (!text || *text == "day") return Period::kDay;
  if (*text == "month") return Period::kMonth;
  return BadQuery("period", "period must be day or month");
}

void Stats::Add(const pb::DayAggregate& day) {
  blue_total_fen += day.blue_total_fen();
  red_total_fen += day.red_total_fen();
  net_total_fen += day.net_total_fen();
  blue_tax_fen += day.blue_tax_fen();
  red_tax_fen += day.red_tax_fen();
  blue_count += day.blue_count();
  red_count += day.red_count();
  for (const auto& b : day.by_rate()) {
    auto& [amount, tax] = by_rate[{b.rate_bp(), static_cast<int>(b.treatment())}];
    amount += b.amount_fen();
    tax += b.tax_fen();
  }
}

void Stats::Add(const Stats& other) {
  blue_total_fen += other.blue_total_fen;
  red_total_fen += other.red_total_fen;
  net_total_fen += other.net_total_fen;
  blue_tax_fen += other.blue_tax_fen;
  red_tax_fen += other.red_tax_fen;
  blue_count += other.blue_count;
  red_count += other.red_count;
  for (const auto& [key, sums] : other.by_rate) {
    auto& [amount, tax] = by_rate[key];
    amount += sums.first;
    tax += sums.second;
  }
}

void AddAggregateAt(const StateView& view, const Bytes& key, Stats& into) {
  const auto bytes = view.Get(Column::kIndex, key);
  if (!bytes) return;
  pb::DayAggregate day;
  if (day.ParseFromString(*bytes)) into.Add(day);
}

json StatsJson(const Stats& s) {
  json by_rate = json::array();
  for (const auto& [key, sums] : s.by_rate) {
    by_rate.push_back(json{{"rate_bp", key.first},
                           {"treatment", TreatmentName(static_cast<pb::Treatment>(key.second))},
                           {"amount_fen", sums.first},
                           {"tax_fen", sums.second}});
  }
  return json{{"blue_total_fen", s.blue_total_fen}, {"red_total_fen", s.red_total_fen},
              {"net_total_fen", s.net_total_fen},   {"blue_tax_fen", s.blue_tax_fen},
              {"red_tax_fen", s.red_tax_fen},       {"blue_count", s.blue_count},
              {"red_count", s.red_count},           {"by_rate", std::move(by_rate)}};
}

}  // namespace fapiao::api::tax
