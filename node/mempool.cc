#include "node/mempool.h"

#include "contracts/kinds.h"
#include "ledger/core/merkle.h"

namespace fapiao::node {

Mempool::Mempool(const Hasher& hasher, const Verifier& verifier, std::vector<Hash> member_keys,
                 std::vector<int> member_roles, std::string chain_id, MempoolLimits limits)
    : hasher_(hasher),
      verifier_(verifier),
      member_keys_(std::move(member_keys)),
      member_roles_(std::move(member_roles)),
      chain_id_(std::move(chain_id)),
      limits_(limits) {}

Result<consensus::RequestRef> Mempool::Admit(const pb::SignedBatch& batch) {
  const Hash digest = MerkleLeafHash(hasher_, BatchLeafData(batch));
  {
    std::lock_guard lock(mu_);
    if (auto it = batches_.find(digest); it != batches_.end()) return it->second.ref;
    if (done_.count(digest) != 0) {
      return Status::Error("mempool.duplicate", "this batch was already executed");
    }
    if (txs_ + static_cast<uint64_t>(batch.transactions_size()) > limits_.max_txs) {
      ++rejected_;
      return Status::Error("mempool.full", "the node holds " + std::to_string(txs_) +
                                               " pending transactions; retry later");
    }
  }
  auto verified = VerifyBatch(hasher_, verifier_, member_keys_, chain_id_, batch);
  std::lock_guard lock(mu_);
  if (!verified.ok()) {
    ++rejected_;
    return verified.status();
  }
  const uint32_t member = verified->header.member();
  for (const auto& t : verified->txs) {
    if (member >= member_roles_.size() ||
        !contracts::KindAllowedForRole(t.tx.kind(), member_roles_[member])) {
      ++rejected_;
      return Status::Error("mempool.role", "member " + std::to_string(member) +
                                               " may not send transactions of kind " +
                                               std::to_string(t.tx.kind()));
    }
  }
  Entry e;
  e.batch = batch;
  e.txs = static_cast<uint32_t>(batch.transactions_size());
  e.ref = consensus::RequestRef{
      consensus::RequestId{verified->header.member(), verified->header.batch_sequence()}, digest,
      static_cast<uint32_t>(batch.ByteSizeLong())};
  auto [it, inserted] = batches_.emplace(digest, std::move(e));
  if (inserted) txs_ += it->second.txs;
  return it->second.ref;
}

std::optional<pb::SignedBatch> Mempool::Get(const Hash& digest) const {
  std::lock_guard lock(mu_);
  auto it = batches_.find(digest);
  if (it == batches_.end()) return std::nullopt;
  return it->second.batch;
}

bool Mempool::Contains(const Hash& digest) const {
  std::lock_guard lock(mu_);
  return batches_.count(digest) != 0;
}

uint32_t Mempool::TxCount(const Hash& digest) const {
  std::lock_guard lock(mu_);
  auto it = batches_.find(digest);
  return it == batches_.end() ? 0 : it->second.txs;
}

void Mempool::Remove(std::span<const Hash> digests) {
  std::lock_guard lock(mu_);
  for (const Hash& d : digests) {
    if (done_.insert(d).second) done_order_.push_back(d);
    auto it = batches_.find(d);
    if (it == batches_.end()) continue;
    txs_ -= it->second.txs;
    batches_.erase(it);
  }
  while (done_order_.size() > limits_.remembered_executed) {
    done_.erase(done_order_.front());
    done_order_.pop_front();
  }
}

uint64_t Mempool::tx_count() const {
  std::lock_guard lock(mu_);
  return txs_;
}
uint64_t Mempool::batch_count() const {
  std::lock_guard lock(mu_);
  return batches_.size();
}
uint64_t Mempool::rejected() const {
  std::lock_guard lock(mu_);
  return rejected_;
}
bool Mempool::Full() const {
  std::lock_guard lock(mu_);
  return txs_ >= limits_.max_txs;
}

}  // namespace fapiao::node
