#include "qr/verification.h"

#include <cassert>

#include "qr/base45.h"
#include "qr/fields.h"

namespace fapiao::qr {
namespace {

void AppendShort(Bytes& out, std::string_view s) {
  AppendU8(out, static_cast<uint8_t>(s.size()));
  out += s;
}

// A bounds-checked reader over untrusted bytes.
class Reader {
 public:
  explicit Reader(ByteView in) : in_(in) {}
  bool U8(uint8_t& v) {
    if (in_.size() < 1) return false;
    v = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool Take(size_t n, ByteView& v) {
    if (in_.size() < n) return false;
    v = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool Short(std::string& v) {
    uint8_t n = 0;
    ByteView s;
    if (!U8(n) || !Take(n, s)) return false;
    v = std::string(s);
    return true;
  }
  size_t remaining() const { return in_.size(); }

 private:
  ByteView in_;
};

Status CheckFields(const VerificationFields& f) {
  if (Status s = CheckInvoiceNumber(f.invoice_number); !s.ok()) return s;
  if (Status s = CheckDate(f.date); !s.ok()) return s;
  return CheckSellerId(f.seller_id);
}

}  // namespace

Hash InvoiceDocumentHash(const Hasher& hasher, ByteView invoice_record) {
  const ByteView parts[] = {kDocumentDomain, invoice_record};
  return hasher.DigestParts(parts);
}

Result<Bytes> EncodeVerificationBody(const VerificationFields& f) {
  if (Status s = CheckFields(f); !s.ok()) return s;
  Bytes out;
  AppendU8(out, kVerificationVersion);
  AppendU8(out, static_cast<uint8_t>(f.suite));
  AppendU32(out, f.member);
  AppendShort(out, f.invoice_number);
  AppendShort(out, f.date);
  AppendShort(out, f.seller_id);
  AppendU64(out, static_cast<uint64_t>(f.total_fen));
  out += f.document_hash.view();
  return out;
}

Bytes VerificationSigningBytes(std::string_view chain_id, ByteView body) {
  assert(chain_id.size() <= 255);
  Bytes out(kVerificationDomain);
  AppendShort(out, chain_id);
  out += body;
  return out;
}

Result<Bytes> SignVerificationPayload(const VerificationFields& fields, std::string_view chain_id,
                                      const Signer& signer) {
  auto body = EncodeVerificationBody(fields);
  if (!body.ok()) return body.status();
  const Bytes signature = signer.Sign(VerificationSigningBytes(chain_id, *body));
  Bytes out = std::move(*body);
  AppendShort(out, signature);
  return out;
}

std::string VerificationText(ByteView payload) {
  return std::string(kVerificationPrefix) + Base45Encode(payload);
}

Result<DecodedVerification> DecodeVerificationPayload(ByteView payload) {
  const Status truncated = Status::Error("qr.truncated", "verification payload ends early");
  Reader r(payload);
  DecodedVerification d;
  VerificationFields& f = d.fields;
  uint8_t version = 0;
  uint8_t suite = 0;
  ByteView member;
  if (!r.U8(version)) return truncated;
  if (version != kVerificationVersion) {
    return Status::Error("qr.bad_version",
                         "unsupported verification payload version " + std::to_string(version));
  }
  if (!r.U8(suite)) return truncated;
  if (suite != static_cast<uint8_t>(SuiteId::kEd25519Sha256) &&
      suite != static_cast<uint8_t>(SuiteId::kSm2Sm3)) {
    return Status::Error("qr.bad_suite", "unknown crypto suite " + std::to_string(suite));
  }
  f.suite = static_cast<SuiteId>(suite);
  ByteView total;
  ByteView hash;
  if (!r.Take(4, member) || !r.Short(f.invoice_number) || !r.Short(f.date) ||
      !r.Short(f.seller_id) || !r.Take(8, total) || !r.Take(Hash::kSize, hash)) {
    return truncated;
  }
  f.member = ReadU32(member);
  f.total_fen = static_cast<int64_t>(ReadU64(total));
  f.document_hash = *Hash::FromBytes(hash);
  if (Status s = CheckFields(f); !s.ok()) return s;
  d.body = Bytes(payload.substr(0, payload.size() - r.remaining()));
  uint8_t sig_len = 0;
  ByteView sig;
  if (!r.U8(sig_len)) return truncated;
  if (sig_len == 0) return Status::Error("qr.bad_signature_length", "signature is empty");
  if (!r.Take(sig_len, sig)) return truncated;
  if (r.remaining() != 0) {
    return Status::Error(
        "qr.trailing_bytes",
        "verification payload has " + std::to_string(r.remaining()) + " bytes after the signature");
  }
  d.signature = Bytes(sig);
  return d;
}

Result<DecodedVerification> DecodeVerificationText(std::string_view text) {
  if (!text.starts_with(kVerificationPrefix)) {
    return Status::Error("qr.bad_prefix", "verification QR text must start with \"" +
                                              std::string(kVerificationPrefix) + "\"");
  }
  auto payload = Base45Decode(text.substr(kVerificationPrefix.size()));
  if (!payload) return Status::Error("qr.bad_encoding", "verification QR text is not Base45");
  return DecodeVerificationPayload(*payload);
}

Status VerifyDecoded(const DecodedVerification& decoded, std::string_view chain_id,
                     SuiteId chain_suite, Verifier& verifier, ByteView member_public_key) {
  if (decoded.fields.suite != chain_suite) {
    return Status::Error("qr.suite_mismatch",
                         "payload names suite " + std::string(SuiteName(decoded.fields.suite)) +
                             ", the chain uses " + std::string(SuiteName(chain_suite)));
  }
  auto key_id = verifier.AddKey(member_public_key);
  if (!key_id.ok()) {
    return Status::Error("qr.bad_member_key", "member " + std::to_string(decoded.fields.member) +
                                                  " key: " + key_id.status().message());
  }
  if (!verifier.Verify(*key_id, VerificationSigningBytes(chain_id, decoded.body),
                       decoded.signature)) {
    return Status::Error(
        "qr.bad_signature",
        "signature of member " + std::to_string(decoded.fields.member) + " does not verify");
  }
  return Status::Ok();
}

}  // namespace fapiao::qr
