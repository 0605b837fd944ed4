#include "ledger/core/money.h"

#include <charconv>
#include <limits>

namespace fapiao {

namespace {
__extension__ using Int128 = __int128;  // GCC/Clang extension; exact for int64 * int64
}  // namespace

std::optional<Fen> Fen::Add(Fen o) const {
  int64_t r;
  if (__builtin_add_overflow(v_, o.v_, &r)) return std::nullopt;
  return Fen(r);
}

std::optional<Fen> Fen::Sub(Fen o) const {
  int64_t r;
  if (__builtin_sub_overflow(v_, o.v_, &r)) return std::nullopt;
  return Fen(r);
}

std::optional<Fen> Fen::Mul(int64_t k) const {
  int64_t r;
  if (__builtin_mul_overflow(v_, k, &r)) return std::nullopt;
  return Fen(r);
}

std::optional<Fen> Fen::Negate() const {
  if (v_ == std::numeric_limits<int64_t>::min()) return std::nullopt;
  return Fen(-v_);
}

std::string Fen::ToYuanString() const {
  const bool neg = v_ < 0;
  // Work in unsigned to handle INT64_MIN.
  const uint64_t mag = neg ? (~static_cast<uint64_t>(v_) + 1) : static_cast<uint64_t>(v_);
  std::string frac = std::to_string(mag % 100);
  if (frac.size() < 2) frac.insert(0, "0");
  return (neg ? "-" : "") + std::to_string(mag / 100) + "." + frac;
}

std::optional<Fen> Fen::ParseFen(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (*first == '+') return std::nullopt;
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || ptr != last) return std::nullopt;
  return Fen(v);
}

std::optional<Fen> TaxHalfUp(Fen amount, int64_t rate_bp) {
  if (rate_bp < 0) return std::nullopt;
  const Int128 prod = static_cast<Int128>(amount.value()) * rate_bp;
  const Int128 mag = prod < 0 ? -prod : prod;
  Int128 q = (mag + 5000) / 10000;  // half-up on the magnitude
  if (prod < 0) q = -q;
  if (q > std::numeric_limits<int64_t>::max() || q < std::numeric_limits<int64_t>::min()) {
    return std::nullopt;
  }
  return Fen(static_cast<int64_t>(q));
}

}  // namespace fapiao
