// Reads a committed transaction with its inclusion proof (ledger/core/inclusion.h)
// from a BlockStore. Thread-safe as BlockStore reads are.
#pragma once

#include "ledger/core/inclusion.h"
#include "ledger/store/block_store.h"

namespace fapiao {

// Error codes: store.tx_not_found, store.corrupt.
Result<TxInclusionProof> ProveCommittedTx(const BlockStore& store, const Hasher& hasher,
                                          const Hash& tx_id);

}  // namespace fapiao
