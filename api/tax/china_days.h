// China Standard Time (UTC+8, no DST) calendar days as the tax routes read and
// write them: YYYY-MM-DD query dates, the aggregates' YYYYMMDD keys, a UTC
// instant's China day and local time, and a day's first UTC millisecond.
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fapiao::api::tax {

inline constexpr uint64_t kDayMs = 86'400'000;
inline constexpr uint64_t kChinaOffsetMs = 8 * 3'600'000;

// "YYYY-MM-DD", a real calendar date; nullopt otherwise.
std::optional<std::chrono::sys_days> ParseIsoDate(std::string_view s);
// Years 2000..2999: the dates a ledger can carry (invoice numbers hold two digits).
bool InLedgerYears(std::chrono::sys_days day);

std::string IsoDate(std::chrono::sys_days day);     // "2026-11-20"
std::string KeyDate(std::chrono::sys_days day);     // "20261120", as in the aggregate keys
std::string MonthLabel(std::chrono::sys_days day);  // "2026-11"

std::chrono::sys_days ChinaDay(uint64_t utc_ms);  // the China-time date of a UTC instant
uint64_t DayStartMs(std::chrono::sys_days day);   // its first millisecond, UTC
std::string ChinaLocalTime(uint64_t utc_ms);      // "2026-11-20T23:15:00+08:00"

}  // namespace fapiao::api::tax
