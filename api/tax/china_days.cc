#include "api/tax/china_days.h"

#include <algorithm>
#include <cstdio>

namespace fapiao::api::tax {

namespace chr = std::chrono;

namespace {

bool Digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "2026-11-20" (dashes) or "20261120"; with_day false: "2026-11".
std::string Format(chr::sys_days day, bool dashes, bool with_day) {
  const chr::year_month_day ymd(day);
  char buf[16];
  const int y = static_cast<int>(ymd.year());
  const unsigned m = static_cast<unsigned>(ymd.month()), d = static_cast<unsigned>(ymd.day());
  if (!with_day) {
    std::snprintf(buf, sizeof buf, "%04d-%02u", y, m);
  } else if (dashes) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  } else {
    std::snprintf(buf, sizeof buf, "%04d%02u%02u", y, m, d);
  }
  return buf;
}

}  // namespace

std::optional<chr::sys_days> ParseIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const std::string_view y = s.substr(0, 4), m = s.substr(5, 2), d = s.substr(8, 2);
  if (!Digits(y) || !Digits(m) || !Digits(d)) return std::nullopt;
  const chr::year_month_day ymd{chr::year{std::stoi(std::string(y))},
                                chr::month{static_cast<unsigned>(std::stoi(std::string(m)))},
                                chr::day{static_cast<unsigned>(std::stoi(std::string(d)))}};
  if (!ymd.ok()) return std::nullopt;
  return chr::sys_days(ymd);
}

bool InLedgerYears(chr::sys_days day) {
  const int y = static_cast<int>(chr::year_month_day(day).year());
  return y >= 2000 && y <= 2999;
}

std::string IsoDate(chr::sys_days day) {
  return Format(day, true, true);
}
std::string KeyDate(chr::sys_days day) {
  return Format(day, false, true);
}
std::string MonthLabel(chr::sys_days day) {
  return Format(day, true, false);
}

chr::sys_days ChinaDay(uint64_t utc_ms) {
  return chr::sys_days{chr::days{static_cast<int64_t>((utc_ms + kChinaOffsetMs) / kDayMs)}};
}

uint64_t DayStartMs(chr::sys_days day) {
  return static_cast<uint64_t>(day.time_since_epoch().count()) * kDayMs - kChinaOffsetMs;
}

std::string ChinaLocalTime(uint64_t utc_ms) {
  const uint64_t in_day = (utc_ms + kChinaOffsetMs) % kDayMs / 1000;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02u:%02u:%02u+08:00", IsoDate(ChinaDay(utc_ms)).c_str(),
                static_cast<unsigned>(in_day / 3600), static_cast<unsigned>(in_day / 60 % 60),
                static_cast<unsigned>(in_day % 60));
  return buf;
}

}  // namespace fapiao::api::tax
