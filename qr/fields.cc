#include "qr/fields.h"

#include <limits>

namespace fapiao::qr {
namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

int ParseSmall(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

Status CheckInvoiceNumber(std::string_view number) {
  if (number.size() != 20 || !AllDigits(number)) {
    return Status::Error("qr.bad_invoice_number", "invoice number must be exactly 20 digits");
  }
  return Status::Ok();
}

Status CheckDate(std::string_view date) {
  if (date.size() != 8 || !AllDigits(date)) {
    return Status::Error("qr.bad_date", "date must be 8 digits YYYYMMDD");
  }
  const int year = ParseSmall(date.substr(0, 4));
  const int month = ParseSmall(date.substr(4, 2));
  const int day = ParseSmall(date.substr(6, 2));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (year < 1900 || month < 1 || month > 12) {
    return Status::Error("qr.bad_date", "date is not a calendar date");
  }
  const int days = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  if (day < 1 || day > days) return Status::Error("qr.bad_date", "date is not a calendar date");
  return Status::Ok();
}

Status CheckSellerId(std::string_view id) {
  bool ok = id.size() >= 15 && id.size() <= 20;
  for (char c : id) ok = ok && ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'));
  if (!ok) {
    return Status::Error("qr.bad_seller_id",
                         "seller taxpayer id must be 15 to 20 characters of 0-9 and A-Z");
  }
  return Status::Ok();
}

std::string FormatYuan(int64_t fen) {
  // Work in unsigned magnitude so INT64_MIN is formatted correctly.
  const bool negative = fen < 0;
  const uint64_t mag = negative ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  std::string cents = std::to_string(mag % 100);
  if (cents.size() == 1) cents = "0" + cents;
  return (negative ? "-" : "") + std::to_string(mag / 100) + "." + cents;
}

Result<int64_t> ParseYuan(std::string_view text) {
  const Status bad = Status::Error("qr.bad_amount", "amount must be yuan with 2 decimals");
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos || text.size() - dot != 3) return bad;
  const std::string_view whole = text.substr(0, dot);
  const std::string_view cents = text.substr(dot + 1);
  if (!AllDigits(whole) || !AllDigits(cents) || (whole.size() > 1 && whole[0] == '0')) return bad;
  if (whole.size() > 17) return bad;
  uint64_t mag = 0;
  for (char c : whole) mag = mag * 10 + static_cast<uint64_t>(c - '0');
  mag = mag * 100 + static_cast<uint64_t>(ParseSmall(cents));
  const uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (mag > limit + (negative ? 1 : 0)) return bad;
  if (negative && mag == 0) return bad;  // "-0.00" is not written
  return negative ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
}

}  // namespace fapiao::qr
