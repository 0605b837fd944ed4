// The national comma-separated invoice QR text (docs/qr.md section 1):
// 01,<type>,<code>,<number>,<amount>,<YYYYMMDD>,<check code>,<trailer>.
// Unsigned, for any scanner; the trailer only catches transcription errors.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/core/status.h"

namespace fapiao::qr {

// Type code of a fully-digitalised ordinary invoice (blue or red).
inline constexpr std::string_view kNationalTypeDigitalOrdinary = "32";

struct NationalQr {
  std::string type{kNationalTypeDigitalOrdinary};  // 2 digits
  std::string code;                                // empty for fully-digitalised invoices
  std::string number;                              // 20 digits
  int64_t pre_tax_fen = 0;                         // negative for a red invoice
  std::string date;                                // YYYYMMDD
  std::string check_code;                          // empty or 20 digits
  friend bool operator==(const NationalQr&, const NationalQr&) = default;
};

// The text, trailer included. Errors: qr.bad_type, qr.bad_code,
// qr.bad_invoice_number, qr.bad_date, qr.bad_check_code.
Result<std::string> EncodeNationalQr(const NationalQr& fields);

// Parses and checks every field and the trailer. Errors as above plus
// qr.bad_prefix (not "01,"), qr.bad_field_count, qr.bad_amount, qr.bad_trailer.
Result<NationalQr> DecodeNationalQr(std::string_view text);

}  // namespace fapiao::qr
