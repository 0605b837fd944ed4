// Transactions and member-signed batches (docs/formats.md). A member signs
// one BatchHeader holding the Merkle root of many transactions; a transaction
// is provably part of a signed batch via its Merkle audit path. Ids are hashes
// of the bytes as received: tx id = H(0x00 || tx bytes) (its Merkle leaf hash).
// Pure functions; thread-safe given a thread-safe Verifier.
#pragma once

#include <span>
#include <vector>

#include "ledger/core/crypto.h"
#include "ledger/core/status.h"
#include "ledger/core/types.h"
#include "proto/ledger.pb.h"

namespace fapiao {

inline constexpr std::string_view kBatchDomain{"fapiao/batch/v1\0", 16};

// Limits enforced when decoding untrusted batches.
inline constexpr size_t kMaxTxBytes = 64 * 1024;
inline constexpr size_t kMaxBatchTxs = 10000;

Hash TxId(const Hasher& hasher, ByteView tx_bytes);

// The bytes a member signs for a batch: kBatchDomain || header bytes.
Bytes BatchSigningBytes(ByteView header_bytes);

// Merkle leaf data of a batch inside a block: u32 len || header || signature.
Bytes BatchLeafData(const pb::SignedBatch& batch);

// Builds and signs a batch of already-serialized transactions.
pb::SignedBatch MakeSignedBatch(const Hasher& hasher, const Signer& signer,
                                std::string_view chain_id, MemberId member, uint64_t batch_sequence,
                                std::vector<Bytes> tx_bytes);

struct VerifiedTx {
  Hash id;
  pb::Transaction tx;
};
struct VerifiedBatch {
  pb::BatchHeader header;
  std::vector<VerifiedTx> txs;
};

// Checks everything about an untrusted batch: header parses, chain id, member
// known (member_keys[member] is its key id), signature over the header bytes
// as received, tx count and Merkle root, every transaction parses, carries the
// same chain id and member. Error codes: batch.*.
Result<VerifiedBatch> VerifyBatch(const Hasher& hasher, const Verifier& verifier,
                                  std::span<const Hash> member_keys, std::string_view chain_id,
                                  const pb::SignedBatch& batch);

// A proof that one transaction is in a batch signed by its member.
struct TxBatchProof {
  Bytes tx_bytes;
  Bytes header_bytes;
  Bytes signature;
  uint64_t index = 0;
  std::vector<Hash> path;
};
TxBatchProof ProveTxInBatch(const Hasher& hasher, const pb::SignedBatch& batch, uint64_t index);
// Verifies signature, member binding and inclusion; on success returns the transaction.
Result<pb::Transaction> VerifyTxBatchProof(const Hasher& hasher, const Verifier& verifier,
                                           std::span<const Hash> member_keys,
                                           std::string_view chain_id, const TxBatchProof& proof);

}  // namespace fapiao
