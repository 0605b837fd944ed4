#include "ledger/core/inclusion.h"

#include "ledger/core/merkle.h"

namespace fapiao {

Result<VerifiedInclusion> VerifyTxInclusion(const Hasher& hasher, const Verifier& verifier,
                                            std::span<const Hash> member_keys,
                                            std::string_view chain_id,
                                            const TxInclusionProof& proof) {
  auto tx = VerifyTxBatchProof(hasher, verifier, member_keys, chain_id, proof.in_batch);
  if (!tx.ok()) return tx.status();
  VerifiedInclusion out;
  out.tx = std::move(*tx);
  out.tx_id = TxId(hasher, proof.in_batch.tx_bytes);
  if (!out.header.ParseFromString(proof.block_header) || out.header.chain_id() != chain_id) {
    return Status::Error("proof.bad_block_header",
                         "block header does not parse or is for another chain");
  }
  pb::SignedBatch leaf;
  leaf.set_header(proof.in_batch.header_bytes);
  leaf.set_signature(proof.in_batch.signature);
  auto root = Hash::FromBytes(out.header.batch_root());
  if (!root ||
      !MerkleVerifyInclusion(hasher, MerkleLeafHash(hasher, BatchLeafData(leaf)), proof.batch_index,
                             out.header.batch_count(), proof.batch_path, *root)) {
    return Status::Error("proof.batch_not_in_block", "batch is not in the block's batch root");
  }
  out.block_id = BlockId(hasher, proof.block_header);
  pb::CommitCertificate cert;
  if (!cert.ParseFromString(proof.certificate)) {
    return Status::Error("proof.bad_certificate", "commit certificate does not parse");
  }
  if (Status s = VerifyCertificate(verifier, member_keys, chain_id, out.header.height(),
                                   out.block_id, cert);
      !s.ok()) {
    return s;
  }
  return out;
}

}  // namespace fapiao
