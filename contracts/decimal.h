// Exact decimal strings for quantities and unit prices (DOMAIN.md: up to 13
// fractional digits, never floating point). A Decimal is mantissa * 10^-scale
// with at most 18 significant digits, so products fit in 128-bit integers. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ledger/core/money.h"

namespace fapiao::contracts {

struct Decimal {
  int64_t mantissa = 0;  // non-negative
  int scale = 0;         // 0..13
};

// "12", "0.5", "3.1415926535897": digits, optional '.', 1-13 fraction digits;
// no sign, no exponent, at most 18 digits in all. nullopt otherwise.
std::optional<Decimal> ParseDecimal(std::string_view s);

// round_half_up(quantity * unit_price_yuan * 100) in fen; nullopt on overflow.
std::optional<Fen> ExtendedFen(const Decimal& quantity, const Decimal& unit_price_yuan);

}  // namespace fapiao::contracts
