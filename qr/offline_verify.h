// Offline verification against a consortium's public keys, with no node: a
// verification QR text (FPV1:...) or a proof JSON (docs/qr.md). Shared by
// `fapiao verify` and POST /v1/verify. Pure functions over the anchors;
// thread-safe (each call makes its own suite).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/crypto.h"
#include "ledger/core/status.h"

namespace fapiao::qr {

struct TrustedMember {
  std::string name;
  bool market_operator = false;  // only market operators sign verification payloads
  std::string signing_key_pem;   // the member's signing public key (chain suite)
};

// What a verifier trusts: the chain and its members, index i at position i.
struct TrustAnchors {
  std::string chain_id;
  SuiteId suite = SuiteId::kEd25519Sha256;
  std::vector<TrustedMember> members;
};

// On success, one sentence saying what is valid ("invoice ... signed by member 1 (...)",
// "tx ... committed in block ..."). Errors: qr.unknown_member, qr.not_operator and the
// codes of qr/verification.h; proof.* of qr/proof_json.h and the inclusion checks;
// verify.bad_anchor (a member key of the anchors does not load).
Result<std::string> VerifyQrText(std::string_view text, const TrustAnchors& anchors);
Result<std::string> VerifyProofJson(std::string_view json, const TrustAnchors& anchors);

}  // namespace fapiao::qr
