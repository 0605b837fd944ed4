// Mempool: the member-signed batches this node knows and has not yet seen
// executed, by batch digest (its Merkle leaf hash in a block). Admission checks
// the batch once (signature, chain, member binding, Merkle root, size limits,
// duplicate) and bounds the pool by transactions: beyond the limit new batches
// are refused (back-pressure), never grown without bound.
// Thread-safe: called from HTTP handlers, transport workers and the executor.
#pragma once

#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "consensus/core/types.h"
#include "ledger/core/batch.h"

namespace fapiao::node {

struct MempoolLimits {
  uint64_t max_txs = 200000;
  size_t remembered_executed = 200000;  // batch digests refused after execution
};

class Mempool {
 public:
  // member_roles[i]: the pb::Role of member i (admission refuses kinds its role may not send).
  Mempool(const Hasher& hasher, const Verifier& verifier, std::vector<Hash> member_keys,
          std::vector<int> member_roles, std::string chain_id, MempoolLimits limits);

  // Verifies (unless already held) and keeps the batch; returns its request ref.
  // Codes: batch.* (invalid), mempool.role (a kind the member's role may not
  // send), mempool.duplicate (already executed), mempool.full (back-pressure).
  Result<consensus::RequestRef> Admit(const pb::SignedBatch& batch);
  std::optional<pb::SignedBatch> Get(const Hash& digest) const;
  bool Contains(const Hash& digest) const;
  // Number of transactions in the batch with this digest (0 if unknown).
  uint32_t TxCount(const Hash& digest) const;
  // Executed: forget these batches, and refuse them for a while if they come
  // again (a re-forwarded batch must not occupy the pool forever).
  void Remove(std::span<const Hash> digests);

  uint64_t tx_count() const;
  uint64_t batch_count() const;
  uint64_t rejected() const;
  bool Full() const;

 private:
  struct Entry {
    pb::SignedBatch batch;
    consensus::RequestRef ref;
    uint32_t txs = 0;
  };
  const Hasher& hasher_;
  const Verifier& verifier_;
  const std::vector<Hash> member_keys_;
  const std::vector<int> member_roles_;
  const std::string chain_id_;
  const MempoolLimits limits_;
  mutable std::mutex mu_;
  std::unordered_map<Hash, Entry> batches_;
  std::unordered_set<Hash> done_;
  std::deque<Hash> done_order_;
  uint64_t txs_ = 0;
  uint64_t rejected_ = 0;
};

}  // namespace fapiao::node
