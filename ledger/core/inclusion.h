// A self-contained proof that a transaction is committed in the ledger:
// tx -> member-signed batch (Merkle path), batch -> block (Merkle path over
// batch leaves), block header -> block id, and the commit certificate over it.
// Anyone holding the consortium's public keys can check it offline.
// Pure functions; thread-safe given a thread-safe Verifier.
#pragma once

#include "ledger/core/batch.h"
#include "ledger/core/block.h"

namespace fapiao {

struct TxInclusionProof {
  TxBatchProof in_batch;
  uint64_t batch_index = 0;
  std::vector<Hash> batch_path;  // audit path of the batch leaf in the block's batch root
  Bytes block_header;            // serialized pb::BlockHeader as committed
  Bytes certificate;             // serialized pb::CommitCertificate
};

struct VerifiedInclusion {
  pb::Transaction tx;
  Hash tx_id;
  pb::BlockHeader header;
  Hash block_id;
};

// Checks every link; error codes batch.*, block.*, cert.*, proof.*.
Result<VerifiedInclusion> VerifyTxInclusion(const Hasher& hasher, const Verifier& verifier,
                                            std::span<const Hash> member_keys,
                                            std::string_view chain_id,
                                            const TxInclusionProof& proof);

}  // namespace fapiao
