#include "contracts/capital_words.h"

#include <array>
#include <cstdint>

namespace fapiao::contracts {
namespace {

constexpr std::array<const char*, 10> kDigits = {"零", "壹", "贰", "叁", "肆",
                                                 "伍", "陆", "柒", "捌", "玖"};
constexpr std::array<const char*, 4> kInGroup = {"", "拾", "佰", "仟"};
// Group units for 10^0, 10^4, 10^8, 10^12, 10^16 yuan.
constexpr std::array<const char*, 5> kGroups = {"", "万", "亿", "万亿", "亿亿"};

std::string YuanWords(uint64_t yuan) {
  std::array<unsigned, 5> groups{};
  for (auto& g : groups) {
    g = static_cast<unsigned>(yuan % 10000);
    yuan /= 10000;
  }
  std::string out;
  bool pending_zero = false;
  for (int gi = 4; gi >= 0; --gi) {
    unsigned g = groups[static_cast<size_t>(gi)];
    if (g == 0) {
      if (!out.empty()) pending_zero = true;
      continue;
    }
    unsigned div = 1000;
    for (int pos = 3; pos >= 0; --pos, div /= 10) {
      const unsigned d = (g / div) % 10;
      if (d == 0) {
        if (!out.empty()) pending_zero = true;
        continue;
      }
      if (pending_zero) out += kDigits[0];
      pending_zero = false;
      out += kDigits[d];
      out += kInGroup[static_cast<size_t>(pos)];
    }
    out += kGroups[static_cast<size_t>(gi)];
  }
  return out;
}

}  // namespace

std::string CapitalWords(Fen amount) {
  const int64_t v = amount.value();
  const bool negative = v < 0;
  const uint64_t mag = negative ? (~static_cast<uint64_t>(v) + 1) : static_cast<uint64_t>(v);
  const uint64_t yuan = mag / 100;
  const unsigned jiao = static_cast<unsigned>((mag / 10) % 10);
  const unsigned fen = static_cast<unsigned>(mag % 10);

  std::string out = negative ? "（负数）" : "";
  if (mag == 0) return out + "零圆整";
  if (yuan > 0) out += YuanWords(yuan) + "圆";
  if (jiao == 0 && fen == 0) return out + "整";
  if (jiao > 0) {
    out += std::string(kDigits[jiao]) + "角";
    if (fen == 0) return out + "整";
  } else if (yuan > 0) {
    out += kDigits[0];
  }
  return out + kDigits[fen] + "分";
}

}  // namespace fapiao::contracts
