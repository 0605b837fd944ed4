#include "ledger/core/block.h"

#include <array>

#include "ledger/core/merkle.h"

namespace fapiao {

Hash BlockId(const Hasher& hasher, ByteView header_bytes) {
  const std::array<ByteView, 2> parts{kBlockDomain, header_bytes};
  return hasher.DigestParts(parts);
}

Hash BatchRoot(const Hasher& hasher,
               const google::protobuf::RepeatedPtrField<pb::SignedBatch>& batches) {
  std::vector<Hash> leaves;
  leaves.reserve(batches.size());
  for (const auto& b : batches) leaves.push_back(MerkleLeafHash(hasher, BatchLeafData(b)));
  return MerkleRoot(hasher, leaves);
}

pb::Block MakeBlock(const Hasher& hasher, const BlockFields& fields,
                    std::vector<pb::SignedBatch> batches) {
  pb::Block block;
  for (auto& b : batches) *block.add_batches() = std::move(b);
  pb::BlockHeader header;
  header.set_chain_id(fields.chain_id);
  header.set_height(fields.height);
  header.set_prev_hash(fields.prev_hash.ToBytes());
  header.set_batch_root(BatchRoot(hasher, block.batches()).ToBytes());
  header.set_result_root(fields.result_root.ToBytes());
  header.set_timestamp_ms(fields.timestamp_ms);
  header.set_view(fields.view);
  header.set_proposer(fields.proposer);
  header.set_anchor_height(fields.anchor_height);
  header.set_batch_count(static_cast<uint32_t>(block.batches_size()));
  uint64_t txs = 0;
  for (const auto& b : block.batches()) txs += static_cast<uint64_t>(b.transactions_size());
  header.set_tx_count(static_cast<uint32_t>(txs));
  header.SerializeToString(block.mutable_header());
  return block;
}

Result<pb::BlockHeader> CheckBlock(const Hasher& hasher, std::string_view chain_id,
                                   const pb::Block& block) {
  pb::BlockHeader header;
  if (!header.ParseFromString(block.header())) {
    return Status::Error("block.malformed_header", "block header does not parse");
  }
  if (header.chain_id() != chain_id) {
    return Status::Error("block.wrong_chain", "block is for chain '" + header.chain_id() + "'");
  }
  if (header.prev_hash().size() != Hash::kSize || header.result_root().size() != Hash::kSize) {
    return Status::Error("block.malformed_header", "previous hash and result root are 32 bytes");
  }
  if (header.height() > 0 && header.anchor_height() >= header.height()) {
    return Status::Error("block.bad_anchor", "anchor height must be below the block's height");
  }
  if (header.batch_count() != static_cast<uint32_t>(block.batches_size())) {
    return Status::Error("block.bad_batch_count", "header batch count differs from the body");
  }
  uint64_t txs = 0;
  for (const auto& b : block.batches()) txs += static_cast<uint64_t>(b.transactions_size());
  if (header.tx_count() != txs) {
    return Status::Error("block.bad_tx_count", "header transaction count differs from the body");
  }
  if (BatchRoot(hasher, block.batches()).view() != header.batch_root()) {
    return Status::Error("block.bad_batch_root", "batches do not match the header's batch root");
  }
  return header;
}

Bytes CommitStatement(std::string_view chain_id, uint64_t view, uint64_t height,
                      const Hash& block_id) {
  Bytes out(kCommitDomain);
  AppendLengthPrefixed(out, chain_id);
  AppendU64(out, view);
  AppendU64(out, height);
  out.append(block_id.view());
  return out;
}

Status VerifyCertificate(const Verifier& verifier, std::span<const Hash> member_keys,
                         std::string_view chain_id, uint64_t height, const Hash& block_id,
                         const pb::CommitCertificate& cert) {
  if (cert.height() != height || cert.block_id() != block_id.view()) {
    return Status::Error("cert.wrong_block", "certificate is for another block");
  }
  const auto n = static_cast<uint32_t>(member_keys.size());
  const Bytes statement = CommitStatement(chain_id, cert.view(), height, block_id);
  std::vector<bool> seen(n, false);
  uint32_t valid = 0;
  for (const auto& vote : cert.votes()) {
    if (vote.member() >= n) {
      return Status::Error("cert.unknown_member", "vote from a member outside the consortium");
    }
    if (seen[vote.member()]) {
      return Status::Error("cert.duplicate_vote",
                           "two votes from member " + std::to_string(vote.member()));
    }
    seen[vote.member()] = true;
    if (!verifier.Verify(member_keys[vote.member()], statement, vote.signature())) {
      return Status::Error("cert.bad_signature",
                           "vote of member " + std::to_string(vote.member()) + " does not verify");
    }
    ++valid;
  }
  if (valid < CertificateQuorum(n)) {
    return Status::Error("cert.no_quorum", std::to_string(valid) + " votes, " +
                                               std::to_string(CertificateQuorum(n)) + " needed");
  }
  return Status::Ok();
}

}  // namespace fapiao
