// The JSON form of a transaction inclusion proof (docs/qr.md section 3), what
// `fapiao verify proof.json` and POST /v1/verify read: every byte field as
// lower-case hex, exact keys, no unknown keys. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "ledger/core/inclusion.h"
#include "ledger/core/status.h"

namespace fapiao::qr {

inline constexpr int kProofJsonVersion = 1;

// Pretty-printed JSON text.
std::string ProofToJson(const TxInclusionProof& proof);
// Errors: proof.bad_json (not JSON, wrong type, missing or unknown key, bad
// version), proof.bad_hex (a byte field that is not hex, or a path entry not 32 bytes).
Result<TxInclusionProof> ProofFromJson(std::string_view text);

}  // namespace fapiao::qr
