// The canonical statements replicas sign (docs/consensus.md "Signatures"): fixed
// layouts built from message fields, so a vote stays verifiable when relayed in a
// certificate and nothing is re-encoded to be verified. COMMIT votes sign the
// ledger's CommitStatement, so a commit certificate verifies with
// ledger/core/block.h VerifyCertificate. Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "consensus/core/types.h"
#include "ledger/core/crypto.h"

namespace fapiao::consensus {

Bytes VoteStatement(std::string_view chain_id, const Vote& v);
Bytes PrePrepareStatement(std::string_view chain_id, const PrePrepare& pp);
Bytes CheckpointStatement(std::string_view chain_id, const Checkpoint& c);
// Covers the view, the sender, its stable checkpoint and every prepared (view, seq, digest).
Bytes ViewChangeStatement(std::string_view chain_id, const ViewChange& vc);
// Covers the view, the sender and the statement digests of the VIEW-CHANGEs it carries.
Bytes NewViewStatement(std::string_view chain_id, const NewView& nv, const Hasher& hasher);

}  // namespace fapiao::consensus
