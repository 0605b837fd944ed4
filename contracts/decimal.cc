#include "contracts/decimal.h"

#include <limits>

namespace fapiao::contracts {

__extension__ typedef __int128 I128;
__extension__ typedef unsigned __int128 U128;

std::optional<Decimal> ParseDecimal(std::string_view s) {
  if (s.empty()) return std::nullopt;
  Decimal d;
  int digits = 0;
  bool dot = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      if (dot || i == 0 || i + 1 == s.size()) return std::nullopt;
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    if (++digits > 18) return std::nullopt;
    d.mantissa = d.mantissa * 10 + (c - '0');
    if (dot && ++d.scale > 13) return std::nullopt;
  }
  return d;
}

std::optional<Fen> ExtendedFen(const Decimal& quantity, const Decimal& unit_price_yuan) {
  // value in fen = q * p * 100 / 10^(sq + sp)
  const I128 prod = static_cast<I128>(quantity.mantissa) * unit_price_yuan.mantissa;
  int scale = quantity.scale + unit_price_yuan.scale;
  I128 num = prod;
  // Multiply by 100 first if it cannot overflow (|prod| < 10^36 < 2^127 / 100).
  num *= 100;
  I128 den = 1;
  for (int i = 0; i < scale; ++i) den *= 10;
  const I128 q = (num + den / 2) / den;  // half-up; all values non-negative
  if (q > std::numeric_limits<int64_t>::max()) return std::nullopt;
  return Fen(static_cast<int64_t>(q));
}

}  // namespace fapiao::contracts
