#include "qr/national.h"

#include <vector>

#include "ledger/core/crypto.h"
#include "qr/fields.h"

namespace fapiao::qr {
namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// First 2 bytes of SHA-256 over everything before the trailer, as 4 upper-case hex digits.
std::string Trailer(std::string_view head) {
  static const std::unique_ptr<CryptoSuite> sha256 = CryptoSuite::Create(SuiteId::kEd25519Sha256);
  std::string hex = sha256->hasher().Digest(head).ToHex().substr(0, 4);
  for (char& c : hex) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  return hex;
}

Status CheckFields(const NationalQr& f) {
  if (f.type.size() != 2 || !AllDigits(f.type)) {
    return Status::Error("qr.bad_type", "invoice type code must be 2 digits");
  }
  if (f.code.size() > 12 || !AllDigits(f.code)) {
    return Status::Error("qr.bad_code", "invoice code must be empty or up to 12 digits");
  }
  if (Status s = CheckInvoiceNumber(f.number); !s.ok()) return s;
  if (Status s = CheckDate(f.date); !s.ok()) return s;
  if (!(f.check_code.empty() || (f.check_code.size() == 20 && AllDigits(f.check_code)))) {
    return Status::Error("qr.bad_check_code", "check code must be empty or 20 digits");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> EncodeNationalQr(const NationalQr& fields) {
  if (Status s = CheckFields(fields); !s.ok()) return s;
  std::string head = "01," + fields.type + "," + fields.code + "," + fields.number + "," +
                     FormatYuan(fields.pre_tax_fen) + "," + fields.date + "," + fields.check_code +
                     ",";
  return head + Trailer(head);
}

Result<NationalQr> DecodeNationalQr(std::string_view text) {
  if (!text.starts_with("01,")) {
    return Status::Error("qr.bad_prefix", "national invoice QR text must start with \"01,\"");
  }
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) {
      parts.push_back(text.substr(start));
      break;
    }
    parts.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  if (parts.size() != 8) {
    return Status::Error("qr.bad_field_count", "national invoice QR text must have 8 fields, has " +
                                                   std::to_string(parts.size()));
  }
  NationalQr f;
  f.type = parts[1];
  f.code = parts[2];
  f.number = parts[3];
  f.date = parts[5];
  f.check_code = parts[6];
  if (Status s = CheckFields(f); !s.ok()) return s;
  auto amount = ParseYuan(parts[4]);
  if (!amount.ok()) return amount.status();
  f.pre_tax_fen = *amount;
  const std::string_view head = text.substr(0, text.size() - parts[7].size());
  if (parts[7] != Trailer(head)) {
    return Status::Error("qr.bad_trailer", "trailer does not match the other fields");
  }
  return f;
}

}  // namespace fapiao::qr
