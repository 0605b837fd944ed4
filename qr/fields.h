// Field rules shared by both invoice QR payloads (docs/qr.md): invoice number,
// date, seller taxpayer id, and yuan amounts. Each check returns ok or a
// Status with a stable qr.* code. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/core/status.h"

namespace fapiao::qr {

// Exactly 20 ASCII digits. Error: qr.bad_invoice_number.
Status CheckInvoiceNumber(std::string_view number);
// YYYYMMDD, a real Gregorian calendar date in years 1900..9999. Error: qr.bad_date.
Status CheckDate(std::string_view date);
// 15 to 20 characters of [0-9A-Z] (unified social credit code or legacy id). Error:
// qr.bad_seller_id.
Status CheckSellerId(std::string_view id);

// Fen as yuan with exactly 2 decimals: 12345 -> "123.45", -5 -> "-0.05".
std::string FormatYuan(int64_t fen);
// The inverse; accepts only the form FormatYuan writes. Error: qr.bad_amount.
Result<int64_t> ParseYuan(std::string_view text);

}  // namespace fapiao::qr
