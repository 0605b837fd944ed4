// Money as integer fen (1/100 yuan) with checked arithmetic: overflow is an
// error value (std::nullopt), never undefined behaviour. No floating point
// anywhere (DOMAIN.md "Money and tax"). Plain values; thread-safe.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fapiao {

class Fen {
 public:
  constexpr Fen() = default;
  constexpr explicit Fen(int64_t v) : v_(v) {}
  constexpr int64_t value() const { return v_; }

  std::optional<Fen> Add(Fen o) const;
  std::optional<Fen> Sub(Fen o) const;
  std::optional<Fen> Mul(int64_t k) const;
  std::optional<Fen> Negate() const;

  // "1234.50" style decimal yuan string ("-0.05" for negatives).
  std::string ToYuanString() const;
  // Parses an integer fen amount given as a decimal string ("12345", "-7").
  static std::optional<Fen> ParseFen(std::string_view s);

  friend constexpr auto operator<=>(const Fen&, const Fen&) = default;

 private:
  int64_t v_ = 0;
};

// round_half_up(amount * rate_bp / 10000), computed exactly in 128-bit integers.
// Half-up means away from zero at exactly half a fen (also for negative amounts,
// so that a red line's tax is the exact negation of the blue line's).
// nullopt if rate_bp is negative or the result does not fit in int64.
std::optional<Fen> TaxHalfUp(Fen amount, int64_t rate_bp);

}  // namespace fapiao
