#include "contracts/taxpayer_id.h"

#include <algorithm>
#include <array>

namespace fapiao::contracts {
namespace {

constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kUsccWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                              29, 25, 13, 8,  24, 10, 30, 28};
constexpr std::array<int, 17> kResidentWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                  3, 7, 9,  10, 5, 8, 4, 2};
constexpr std::string_view kResidentCheck = "10X98765432";

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), IsDigit);
}

}  // namespace

std::optional<char> UsccCheckChar(std::string_view first17) {
  if (first17.size() != 17) return std::nullopt;
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const size_t v = kUsccAlphabet.find(first17[i]);
    if (v == std::string_view::npos) return std::nullopt;
    sum += static_cast<int>(v) * kUsccWeights[i];
  }
  return kUsccAlphabet[static_cast<size_t>((31 - sum % 31) % 31)];
}

IdCheck CheckUscc(std::string_view value) {
  if (value.size() != 18) return IdCheck::kBadFormat;
  auto c = UsccCheckChar(value.substr(0, 17));
  if (!c || kUsccAlphabet.find(value[17]) == std::string_view::npos) return IdCheck::kBadFormat;
  return *c == value[17] ? IdCheck::kOk : IdCheck::kCheckFailed;
}

IdCheck CheckResidentId(std::string_view value) {
  if (value.size() != 18 || !AllDigits(value.substr(0, 17))) return IdCheck::kBadFormat;
  const char last = value[17];
  if (!IsDigit(last) && last != 'X') return IdCheck::kBadFormat;
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (value[i] - '0') * kResidentWeights[i];
  return kResidentCheck[static_cast<size_t>(sum % 11)] == last ? IdCheck::kOk
                                                               : IdCheck::kCheckFailed;
}

IdCheck CheckTaxpayerId(const pb::TaxpayerId& id) {
  const std::string& v = id.value();
  switch (id.kind()) {
    case pb::USCC:
      return CheckUscc(v);
    case pb::RESIDENT_ID:
      return CheckResidentId(v);
    case pb::LEGACY_15:
      return v.size() == 15 && AllDigits(v) ? IdCheck::kOk : IdCheck::kBadFormat;
    case pb::DIGITS_20:
      return v.size() == 20 && AllDigits(v) ? IdCheck::kOk : IdCheck::kBadFormat;
    case pb::TEMPORARY: {
      const bool ok = v.size() >= 2 && v.size() <= 20 && v[0] == 'L' &&
                      std::all_of(v.begin() + 1, v.end(),
                                  [](char c) { return IsDigit(c) || (c >= 'A' && c <= 'Z'); });
      return ok ? IdCheck::kOk : IdCheck::kBadFormat;
    }
    case pb::FOREIGN: {
      const bool ok = !v.empty() && v.size() <= 40 &&
                      std::all_of(v.begin(), v.end(), [](char c) { return c > 0x20 && c < 0x7f; });
      return ok ? IdCheck::kOk : IdCheck::kBadFormat;
    }
    default:
      return IdCheck::kBadFormat;
  }
}

}  // namespace fapiao::contracts
