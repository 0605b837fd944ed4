#include "ledger/store/tx_proof.h"

#include "ledger/core/merkle.h"

namespace fapiao {

Result<TxInclusionProof> ProveCommittedTx(const BlockStore& store, const Hasher& hasher,
                                          const Hash& tx_id) {
  auto loc = store.FindTx(tx_id);
  if (!loc) return Status::Error("store.tx_not_found", "no committed transaction " + tx_id.ToHex());
  auto bytes = store.BlockAt(loc->height);
  auto cert = store.CertificateAt(loc->height);
  pb::Block block;
  if (!bytes || !cert || !block.ParseFromString(*bytes) ||
      loc->batch >= static_cast<uint32_t>(block.batches_size()) ||
      loc->index >=
          static_cast<uint32_t>(block.batches(static_cast<int>(loc->batch)).transactions_size())) {
    return Status::Error("store.corrupt", "block " + std::to_string(loc->height) +
                                              " does not hold transaction " + tx_id.ToHex());
  }
  TxInclusionProof proof;
  proof.in_batch = ProveTxInBatch(hasher, block.batches(static_cast<int>(loc->batch)), loc->index);
  std::vector<Hash> leaves;
  leaves.reserve(static_cast<size_t>(block.batches_size()));
  for (const auto& b : block.batches()) leaves.push_back(MerkleLeafHash(hasher, BatchLeafData(b)));
  proof.batch_index = loc->batch;
  proof.batch_path = MerkleInclusionProof(hasher, leaves, loc->batch);
  proof.block_header = block.header();
  proof.certificate = std::move(*cert);
  return proof;
}

}  // namespace fapiao
