// Pure checks of the quorum rules on certificates and the deterministic
// NEW-VIEW plan (which blocks are re-proposed, which gaps get null blocks).
// Signatures are the driver's business; these check structure: distinct
// senders, matching fields, quorum size, digests. Stateless; thread-safe.
#pragma once

#include <optional>
#include <vector>

#include "consensus/core/config.h"
#include "consensus/core/types.h"
#include "ledger/core/crypto.h"

namespace fapiao::consensus {

// Digest of the canonical bytes of a block (domain-separated, see docs/consensus.md).
Hash BlockDigest(const Hasher& hasher, const Block& block);

bool ValidCommitCert(const Config& cfg, const CommitCert& cert);
bool ValidPreparedCert(const Config& cfg, const Hasher& hasher, const PreparedCert& cert);
bool ValidCheckpointCert(const Config& cfg, const CheckpointCert& cert);
bool ValidViewChange(const Config& cfg, const Hasher& hasher, const ViewChange& vc);

struct Reproposal {
  Seq seq = 0;
  Hash digest;
  Block block;  // empty: null block
};
struct NewViewPlan {
  const CheckpointCert* stable = nullptr;  // points into the NewView it was planned from
  std::vector<Reproposal> proposals;       // consecutive seqs from stable->seq + 1
};
// nullopt unless nv holds quorum VIEW-CHANGEs for nv.view from distinct senders,
// all valid. Every honest replica derives the same plan from the same NEW-VIEW.
std::optional<NewViewPlan> PlanNewView(const Config& cfg, const Hasher& hasher, const NewView& nv);

}  // namespace fapiao::consensus
