#include "tools/fapiao/verify.h"

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "ledger/core/inclusion.h"
#include "node/config.h"
#include "qr/proof_json.h"
#include "qr/verification.h"

namespace fapiao::cli {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

int Invalid(std::ostream& err, const Status& s) {
  err << "invalid: " << s.code() << ": " << s.message() << "\n";
  return kExitInvalid;
}

int VerifyQrText(std::string_view text, const node::Consortium& c, std::ostream& out,
                 std::ostream& err) {
  auto decoded = qr::DecodeVerificationText(text);
  if (!decoded.ok()) return Invalid(err, decoded.status());
  const qr::VerificationFields& f = decoded->fields;
  if (f.member >= c.members.size()) {
    return Invalid(err, Status::Error("qr.unknown_member", "member " + std::to_string(f.member) +
                                                               " is not in the consortium"));
  }
  const node::MemberInfo& member = c.members[f.member];
  if (member.role != pb::MARKET_OPERATOR) {
    return Invalid(
        err, Status::Error("qr.not_operator", "member " + std::to_string(f.member) + " (" +
                                                  member.name + ") is not a market operator"));
  }
  auto suite = CryptoSuite::Create(c.suite);
  if (Status s = qr::VerifyDecoded(*decoded, c.chain_id, c.suite, suite->verifier(),
                                   member.signing_key_pem);
      !s.ok()) {
    return Invalid(err, s);
  }
  out << "valid: invoice " << f.invoice_number << " date " << f.date << " seller " << f.seller_id
      << " total_fen " << f.total_fen << " document_hash " << f.document_hash.ToHex()
      << " signed by member " << f.member << " (" << member.name << ")\n";
  return kExitValid;
}

int VerifyProof(std::string_view json, const node::Consortium& c, std::ostream& out,
                std::ostream& err) {
  auto proof = qr::ProofFromJson(json);
  if (!proof.ok()) return Invalid(err, proof.status());
  auto suite = CryptoSuite::Create(c.suite);
  std::vector<Hash> keys;
  for (const node::MemberInfo& m : c.members) {
    auto id = suite->verifier().AddKey(m.signing_key_pem);
    if (!id.ok()) {
      err << "consortium: member " << m.index << " key: " << id.status().ToString() << "\n";
      return kExitUsage;
    }
    keys.push_back(*id);
  }
  auto v = VerifyTxInclusion(suite->hasher(), suite->verifier(), keys, c.chain_id, *proof);
  if (!v.ok()) return Invalid(err, v.status());
  out << "valid: tx " << v->tx_id.ToHex() << " committed in block " << v->header.height() << " "
      << v->block_id.ToHex() << "\n";
  return kExitValid;
}

}  // namespace

int RunVerify(const std::string& input, const std::string& consortium_path, std::ostream& out,
              std::ostream& err) {
  std::string content = input;
  if (!Trim(input).starts_with(qr::kVerificationPrefix)) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(input, ec)) {
      err << "usage: " << input << " is neither verification QR text (" << qr::kVerificationPrefix
          << "...) nor a readable file\n";
      return kExitUsage;
    }
    std::ifstream in(input, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    if (!in) {
      err << "usage: cannot read " << input << "\n";
      return kExitUsage;
    }
    content = buf.str();
  }
  auto consortium = node::LoadConsortium(consortium_path);
  if (!consortium.ok()) {
    err << "usage: " << consortium.status().ToString() << "\n";
    return kExitUsage;
  }
  const std::string_view trimmed = Trim(content);
  if (trimmed.starts_with(qr::kVerificationPrefix)) {
    return VerifyQrText(trimmed, *consortium, out, err);
  }
  return VerifyProof(content, *consortium, out, err);
}

}  // namespace fapiao::cli
