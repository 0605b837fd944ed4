// The fapiao verification payload (docs/qr.md section 2): invoice number, date,
// seller taxpayer id, total and document hash, signed by the issuing market
// operator's member key, checkable offline with the consortium's public keys.
// Bytes are verified as received (never re-serialized). Pure; thread-safe given a thread-safe
// Verifier.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/core/crypto.h"
#include "ledger/core/status.h"
#include "ledger/core/types.h"

namespace fapiao::qr {

inline constexpr uint8_t kVerificationVersion = 1;
inline constexpr std::string_view kVerificationPrefix = "FPV1:";
inline constexpr std::string_view kVerificationDomain{"fapiao/qr-verify/v1\0", 20};
inline constexpr std::string_view kDocumentDomain{"fapiao/invoice-doc/v1\0", 22};

struct VerificationFields {
  SuiteId suite = SuiteId::kEd25519Sha256;  // the chain's suite
  uint32_t member = 0;                      // index of the signing member in the consortium
  std::string invoice_number;               // 20 digits
  std::string date;                         // YYYYMMDD
  std::string seller_id;                    // 15-20 of [0-9A-Z]
  int64_t total_fen = 0;                    // tax-inclusive; negative for a red invoice
  Hash document_hash;                       // InvoiceDocumentHash of the invoice record
  friend bool operator==(const VerificationFields&, const VerificationFields&) = default;
};

// H(kDocumentDomain || invoice record bytes), H the chain suite's hash; the
// record bytes are the serialized pb::Invoice exactly as stored in the ledger state.
Hash InvoiceDocumentHash(const Hasher& hasher, ByteView invoice_record);

// The payload body: every field before the signature.
// Errors: qr.bad_invoice_number, qr.bad_date, qr.bad_seller_id.
Result<Bytes> EncodeVerificationBody(const VerificationFields& fields);
// What the member signs: kVerificationDomain || u8 len || chain id || body.
// REQUIRES: chain_id.size() <= 255.
Bytes VerificationSigningBytes(std::string_view chain_id, ByteView body);

// Body + u8 signature length + signature.
// REQUIRES: signer is member `fields.member`'s key of suite `fields.suite`.
Result<Bytes> SignVerificationPayload(const VerificationFields& fields, std::string_view chain_id,
                                      const Signer& signer);
// kVerificationPrefix + Base45(payload).
std::string VerificationText(ByteView payload);

struct DecodedVerification {
  VerificationFields fields;
  Bytes body;  // as received
  Bytes signature;
};

// Parses the binary payload strictly. Errors: qr.truncated, qr.trailing_bytes,
// qr.bad_version, qr.bad_suite, qr.bad_signature_length, and the field errors above.
Result<DecodedVerification> DecodeVerificationPayload(ByteView payload);
// Errors: qr.bad_prefix, qr.bad_encoding, then as DecodeVerificationPayload.
Result<DecodedVerification> DecodeVerificationText(std::string_view text);

// Checks the signature with the member's public key (PEM or SPKI DER) of a chain
// with `chain_id` and `chain_suite`. Errors: qr.suite_mismatch, qr.bad_member_key,
// qr.bad_signature.
Status VerifyDecoded(const DecodedVerification& decoded, std::string_view chain_id,
                     SuiteId chain_suite, Verifier& verifier, ByteView member_public_key);

}  // namespace fapiao::qr
