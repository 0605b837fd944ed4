#include "ledger/core/batch.h"

#include "ledger/core/merkle.h"

namespace fapiao {

Hash TxId(const Hasher& hasher, ByteView tx_bytes) {
  return MerkleLeafHash(hasher, tx_bytes);
}

Bytes BatchSigningBytes(ByteView header_bytes) {
  Bytes out(kBatchDomain);
  out.append(header_bytes);
  return out;
}

Bytes BatchLeafData(const pb::SignedBatch& batch) {
  Bytes out;
  out.reserve(4 + batch.header().size() + batch.signature().size());
  AppendLengthPrefixed(out, batch.header());
  out.append(batch.signature());
  return out;
}

pb::SignedBatch MakeSignedBatch(const Hasher& hasher, const Signer& signer,
                                std::string_view chain_id, MemberId member, uint64_t batch_sequence,
                                std::vector<Bytes> tx_bytes) {
  pb::BatchHeader header;
  header.set_chain_id(std::string(chain_id));
  header.set_member(member.value);
  header.set_batch_sequence(batch_sequence);
  header.set_tx_count(static_cast<uint32_t>(tx_bytes.size()));
  header.set_tx_root(MerkleRootOfData(hasher, tx_bytes).ToBytes());
  pb::SignedBatch batch;
  header.SerializeToString(batch.mutable_header());
  batch.set_signature(signer.Sign(BatchSigningBytes(batch.header())));
  for (auto& t : tx_bytes) batch.add_transactions(std::move(t));
  return batch;
}

namespace {

Status CheckHeaderSignature(const Verifier& verifier, std::span<const Hash> member_keys,
                            std::string_view chain_id, ByteView header_bytes, ByteView signature,
                            pb::BatchHeader& header) {
  if (!header.ParseFromArray(header_bytes.data(), static_cast<int>(header_bytes.size()))) {
    return Status::Error("batch.malformed_header", "batch header does not parse");
  }
  if (header.chain_id() != chain_id) {
    return Status::Error("batch.wrong_chain", "batch is for chain '" + header.chain_id() + "'");
  }
  if (header.member() >= member_keys.size()) {
    return Status::Error("batch.unknown_member",
                         "member " + std::to_string(header.member()) + " is not in the consortium");
  }
  if (!verifier.Verify(member_keys[header.member()], BatchSigningBytes(header_bytes), signature)) {
    return Status::Error("batch.bad_signature", "batch signature does not verify");
  }
  return Status::Ok();
}

Status CheckTx(const pb::BatchHeader& header, std::string_view chain_id, ByteView bytes,
               pb::Transaction& tx) {
  if (bytes.size() > kMaxTxBytes) {
    return Status::Error("batch.tx_too_large",
                         "transaction exceeds " + std::to_string(kMaxTxBytes) + " bytes");
  }
  if (!tx.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::Error("batch.malformed_tx", "transaction does not parse");
  }
  if (tx.chain_id() != chain_id)
    return Status::Error("batch.wrong_chain", "transaction for another chain");
  if (tx.member() != header.member()) {
    return Status::Error("batch.member_mismatch", "transaction member differs from batch signer");
  }
  return Status::Ok();
}

}  // namespace

Result<VerifiedBatch> VerifyBatch(const Hasher& hasher, const Verifier& verifier,
                                  std::span<const Hash> member_keys, std::string_view chain_id,
                                  const pb::SignedBatch& batch) {
  VerifiedBatch out;
  if (Status s = CheckHeaderSignature(verifier, member_keys, chain_id, batch.header(),
                                      batch.signature(), out.header);
      !s.ok()) {
    return s;
  }
  const auto n = static_cast<size_t>(batch.transactions_size());
  if (n == 0 || n > kMaxBatchTxs || out.header.tx_count() != n) {
    return Status::Error("batch.bad_tx_count", "batch holds " + std::to_string(n) +
                                                   " transactions, header says " +
                                                   std::to_string(out.header.tx_count()));
  }
  std::vector<Hash> ids;
  ids.reserve(n);
  out.txs.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const std::string& bytes = batch.transactions(static_cast<int>(i));
    if (Status s = CheckTx(out.header, chain_id, bytes, out.txs[i].tx); !s.ok()) return s;
    out.txs[i].id = TxId(hasher, bytes);
    ids.push_back(out.txs[i].id);
  }
  if (MerkleRoot(hasher, ids).view() != out.header.tx_root()) {
    return Status::Error("batch.bad_tx_root", "transactions do not match the signed Merkle root");
  }
  return out;
}

TxBatchProof ProveTxInBatch(const Hasher& hasher, const pb::SignedBatch& batch, uint64_t index) {
  std::vector<Hash> ids;
  ids.reserve(static_cast<size_t>(batch.transactions_size()));
  for (const auto& t : batch.transactions()) ids.push_back(TxId(hasher, t));
  TxBatchProof proof;
  proof.tx_bytes = batch.transactions(static_cast<int>(index));
  proof.header_bytes = batch.header();
  proof.signature = batch.signature();
  proof.index = index;
  proof.path = MerkleInclusionProof(hasher, ids, index);
  return proof;
}

Result<pb::Transaction> VerifyTxBatchProof(const Hasher& hasher, const Verifier& verifier,
                                           std::span<const Hash> member_keys,
                                           std::string_view chain_id, const TxBatchProof& proof) {
  pb::BatchHeader header;
  if (Status s = CheckHeaderSignature(verifier, member_keys, chain_id, proof.header_bytes,
                                      proof.signature, header);
      !s.ok()) {
    return s;
  }
  pb::Transaction tx;
  if (Status s = CheckTx(header, chain_id, proof.tx_bytes, tx); !s.ok()) return s;
  auto root = Hash::FromBytes(header.tx_root());
  if (!root || !MerkleVerifyInclusion(hasher, TxId(hasher, proof.tx_bytes), proof.index,
                                      header.tx_count(), proof.path, *root)) {
    return Status::Error("batch.bad_inclusion_proof", "transaction is not in the signed batch");
  }
  return tx;
}

}  // namespace fapiao
