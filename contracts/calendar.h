// Calendar dates of block time in China Standard Time (UTC+8, no DST), used
// for invoice dates, invoice-number years, quota months and daily aggregates.
// Pure integer arithmetic (civil-from-days); thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace fapiao::contracts {

struct CivilDate {
  int64_t year = 1970;
  unsigned month = 1;  // 1-12
  unsigned day = 1;    // 1-31
};

CivilDate ChinaDate(uint64_t utc_ms);
std::string Yyyymmdd(const CivilDate& d);  // "20261121"
std::string Yyyymm(const CivilDate& d);    // "202611"
std::string Yy(const CivilDate& d);        // "26"

}  // namespace fapiao::contracts
