#include "node/batcher.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace fapiao::node {

namespace {
constexpr uint64_t kLease = 100000;
constexpr char kTxSeqKey[] = "node/lease/tx_sequence";
constexpr char kBatchSeqKey[] = "node/lease/batch_sequence";
}  // namespace

struct Batcher::Impl {
  Impl(boost::asio::io_context& io, const Signer& s, const Hasher& h, BlockStore& st,
       BatcherOptions o, Emit e)
      : timer(io), signer(s), hasher(h), store(st), options(std::move(o)), emit(std::move(e)) {}
  boost::asio::steady_timer timer;
  const Signer& signer;
  const Hasher& hasher;
  BlockStore& store;
  BatcherOptions options;
  Emit emit;
  std::mutex mu;
  std::vector<Bytes> pending;
  bool timer_armed = false;
  uint64_t next_tx = 1, tx_lease_end = 0;
  uint64_t next_batch = 1, batch_lease_end = 0;
};

Batcher::Batcher(boost::asio::io_context& io, const Signer& signer, const Hasher& hasher,
                 BlockStore& store, BatcherOptions options, Emit emit)
    : impl_(
          std::make_unique<Impl>(io, signer, hasher, store, std::move(options), std::move(emit))) {}

Batcher::~Batcher() = default;

Status Batcher::Open() {
  std::lock_guard lock(impl_->mu);
  for (auto [key, next, end] :
       {std::tuple{kTxSeqKey, &impl_->next_tx, &impl_->tx_lease_end},
        std::tuple{kBatchSeqKey, &impl_->next_batch, &impl_->batch_lease_end}}) {
    auto v = impl_->store.GetMeta(key);
    // Everything below a recorded lease end may have been used: start above it.
    *next = (v && v->size() == 8) ? ReadU64(*v) + 1 : 1;
    *end = *next - 1;
  }
  return Status::Ok();
}

Result<uint64_t> Batcher::Next(uint64_t& next, uint64_t& lease_end, const char* key) {
  if (next > lease_end) {
    Bytes v;
    AppendU64(v, next + kLease);
    if (Status s = impl_->store.PutMeta(key, v); !s.ok()) return s;
    lease_end = next + kLease;
  }
  return next++;
}

Result<Submitted> Batcher::Add(uint32_t kind, Bytes payload, const TxExtras& extras) {
  std::vector<Tx> one;
  one.push_back(Tx{kind, std::move(payload), extras});
  auto out = AddAll(std::move(one));
  if (!out.ok()) return out.status();
  return out->front();
}

Result<std::vector<Submitted>> Batcher::AddAll(std::vector<Tx> txs) {
  std::vector<std::pair<uint64_t, std::vector<Bytes>>> ready;  // (batch sequence, transactions)
  std::vector<Submitted> out;
  Status status = Status::Ok();
  {
    std::lock_guard lock(impl_->mu);
    const auto close = [&]() -> Status {
      auto bs = Next(impl_->next_batch, impl_->batch_lease_end, kBatchSeqKey);
      if (!bs.ok()) return bs.status();
      ready.emplace_back(*bs, std::move(impl_->pending));
      impl_->pending.clear();
      return Status::Ok();
    };
    // The group goes into one batch: close the pending one first if it would not fit.
    if (!impl_->pending.empty() && impl_->pending.size() + txs.size() > impl_->options.max_txs) {
      status = close();
    }
    std::vector<Bytes> group;  // all or none join the pending batch
    for (size_t i = 0; status.ok() && i < txs.size(); ++i) {
      Tx& t = txs[i];
      auto seq = Next(impl_->next_tx, impl_->tx_lease_end, kTxSeqKey);
      if (!seq.ok()) {
        status = seq.status();
        break;
      }
      pb::Transaction tx;
      tx.set_chain_id(impl_->options.chain_id);
      tx.set_kind(t.kind);
      tx.set_payload(std::move(t.payload));
      tx.set_member(impl_->options.member);
      tx.set_sequence(*seq);
      if (!t.extras.idempotency_key.empty()) tx.set_idempotency_key(t.extras.idempotency_key);
      if (!t.extras.request_hash.empty()) tx.set_request_hash(t.extras.request_hash);
      Bytes bytes = tx.SerializeAsString();
      out.push_back(Submitted{TxId(impl_->hasher, bytes), *seq});
      group.push_back(std::move(bytes));
    }
    if (status.ok()) {
      for (Bytes& b : group) impl_->pending.push_back(std::move(b));
      if (impl_->pending.size() >= impl_->options.max_txs) {
        status = close();
      } else if (!impl_->timer_armed) {
        impl_->timer_armed = true;
        ArmTimer();
      }
    }
  }
  // Batches closed above go out even when a later step failed.
  for (auto& [batch_seq, batch_txs] : ready) {
    impl_->emit(MakeSignedBatch(impl_->hasher, impl_->signer, impl_->options.chain_id,
                                MemberId{impl_->options.member}, batch_seq, std::move(batch_txs)));
  }
  if (!status.ok()) return status;
  return out;
}

void Batcher::ArmTimer() {
  impl_->timer.expires_after(std::chrono::milliseconds(impl_->options.delay_ms));
  impl_->timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    Flush();
  });
}

void Batcher::Flush() {
  std::vector<Bytes> ready;
  uint64_t batch_seq = 0;
  {
    std::lock_guard lock(impl_->mu);
    impl_->timer_armed = false;
    if (impl_->pending.empty()) return;
    auto bs = Next(impl_->next_batch, impl_->batch_lease_end, kBatchSeqKey);
    if (!bs.ok()) return;  // the pending transactions wait for the next attempt
    batch_seq = *bs;
    ready.swap(impl_->pending);
  }
  impl_->emit(MakeSignedBatch(impl_->hasher, impl_->signer, impl_->options.chain_id,
                              MemberId{impl_->options.member}, batch_seq, std::move(ready)));
}

}  // namespace fapiao::node
