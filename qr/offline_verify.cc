#include "qr/offline_verify.h"

#include "ledger/core/inclusion.h"
#include "qr/proof_json.h"
#include "qr/verification.h"

namespace fapiao::qr {

Result<std::string> VerifyQrText(std::string_view text, const TrustAnchors& anchors) {
  auto decoded = DecodeVerificationText(text);
  if (!decoded.ok()) return decoded.status();
  const VerificationFields& f = decoded->fields;
  if (f.member >= anchors.members.size()) {
    return Status::Error("qr.unknown_member",
                         "member " + std::to_string(f.member) + " is not in the consortium");
  }
  const TrustedMember& member = anchors.members[f.member];
  if (!member.market_operator) {
    return Status::Error("qr.not_operator", "member " + std::to_string(f.member) + " (" +
                                                member.name + ") is not a market operator");
  }
  auto suite = CryptoSuite::Create(anchors.suite);
  if (Status s = VerifyDecoded(*decoded, anchors.chain_id, anchors.suite, suite->verifier(),
                               member.signing_key_pem);
      !s.ok()) {
    return s;
  }
  return "invoice " + f.invoice_number + " date " + f.date + " seller " + f.seller_id +
         " total_fen " + std::to_string(f.total_fen) + " document_hash " + f.document_hash.ToHex() +
         " signed by member " + std::to_string(f.member) + " (" + member.name + ")";
}

Result<std::string> VerifyProofJson(std::string_view json, const TrustAnchors& anchors) {
  auto proof = ProofFromJson(json);
  if (!proof.ok()) return proof.status();
  auto suite = CryptoSuite::Create(anchors.suite);
  std::vector<Hash> keys;
  for (size_t i = 0; i < anchors.members.size(); ++i) {
    auto id = suite->verifier().AddKey(anchors.members[i].signing_key_pem);
    if (!id.ok()) {
      return Status::Error("verify.bad_anchor",
                           "member " + std::to_string(i) + " key: " + id.status().ToString());
    }
    keys.push_back(*id);
  }
  auto v = VerifyTxInclusion(suite->hasher(), suite->verifier(), keys, anchors.chain_id, *proof);
  if (!v.ok()) return v.status();
  return "tx " + v->tx_id.ToHex() + " committed in block " + std::to_string(v->header.height()) +
         " " + v->block_id.ToHex();
}

}  // namespace fapiao::qr
