#include "contracts/calendar.h"

namespace fapiao::contracts {
namespace {

constexpr uint64_t kMsPerDay = 86'400'000;
constexpr uint64_t kChinaOffsetMs = 8ULL * 3'600'000;

std::string Pad(int64_t v, int width) {
  std::string s = std::to_string(v);
  while (static_cast<int>(s.size()) < width) s.insert(0, "0");
  return s;
}

}  // namespace

CivilDate ChinaDate(uint64_t utc_ms) {
  // H. Hinnant's civil_from_days, for days since 1970-01-01 (non-negative here).
  const int64_t z = static_cast<int64_t>((utc_ms + kChinaOffsetMs) / kMsPerDay) + 719468;
  const int64_t era = z / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{m <= 2 ? y + 1 : y, static_cast<unsigned>(m), static_cast<unsigned>(d)};
}

std::string Yyyymmdd(const CivilDate& d) {
  return Pad(d.year, 4) + Pad(d.month, 2) + Pad(d.day, 2);
}
std::string Yyyymm(const CivilDate& d) {
  return Pad(d.year, 4) + Pad(d.month, 2);
}
std::string Yy(const CivilDate& d) {
  return Pad(d.year % 100, 2);
}

}  // namespace fapiao::contracts
