// Batcher: collects the transactions this node submits for its member (API
// callers acting through it) into member-signed batches: one signature per
// batch, closed at max_txs transactions or after delay_ms. Sequence numbers
// come from leases recorded in the store before use, so a restarted node never
// reuses one. Thread safety: Add may be called from any thread; emitted
// batches are handed to `emit` on the caller's or the timer's thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "ledger/core/batch.h"
#include "ledger/store/block_store.h"
#include "node/tx_extras.h"

namespace boost::asio {
class io_context;
}

namespace fapiao::node {

struct BatcherOptions {
  std::string chain_id;
  uint32_t member = 0;
  uint32_t max_txs = 1000;
  uint64_t delay_ms = 5;
};

struct Submitted {
  Hash tx_id;
  uint64_t sequence = 0;
};

class Batcher {
 public:
  using Emit = std::function<void(pb::SignedBatch)>;
  // REQUIRES: signer, hasher and store outlive the batcher.
  Batcher(boost::asio::io_context& io, const Signer& signer, const Hasher& hasher,
          BlockStore& store, BatcherOptions options, Emit emit);
  ~Batcher();

  // Loads the sequence leases. Codes: store.*.
  Status Open();
  // Adds a transaction of `kind` with `payload`; returns its id and sequence.
  Result<Submitted> Add(uint32_t kind, Bytes payload, const TxExtras& extras = {});
  // Adds the transactions as consecutive members of one batch, in order (so they
  // execute in one block, each after the ones before it); returns their ids and
  // sequences. REQUIRES: 1 <= txs.size() <= the options' max_txs.
  struct Tx {
    uint32_t kind = 0;
    Bytes payload;
    TxExtras extras;
  };
  Result<std::vector<Submitted>> AddAll(std::vector<Tx> txs);
  void Flush();

 private:
  Result<uint64_t> Next(uint64_t& next, uint64_t& lease_end, const char* key);
  void ArmTimer();

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fapiao::node
