// Node: the composition root of one consortium member's node. It owns the
// ledger store, the mempool, the batcher, the executor, the consensus driver
// and the TLS transport, wires them together (implementing the interfaces the
// lower layers declare: DriverEnv, HeaderSource, TransportHandler) and exposes
// the submit/query operations the HTTP layer serves.
// Thread safety: public methods may be called from any thread after Start().
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ledger/core/status.h"
#include "node/config.h"
#include "node/tx_extras.h"
#include "proto/contracts.pb.h"
#include "proto/ledger.pb.h"

namespace fapiao {
class BlockStore;
}
namespace fapiao::api {
class MetricsRegistry;
}

namespace fapiao::node {

struct TxOutcome {
  Hash tx_id;
  uint64_t height = 0;
  bool accepted = false;
  std::string code;  // rejection code when !accepted
  std::vector<std::string> events;
};

struct NodeStatus {
  uint32_t member = 0;
  std::string name;
  std::string chain_id;
  std::string suite;
  uint64_t height = 0;
  std::string tip_id;
  uint64_t tip_time_ms = 0;  // the executed tip's agreed time (what the contracts saw)
  uint64_t view = 0;
  bool view_changing = false;
  bool halted = false;
  std::string halt_reason;
  uint64_t mempool_txs = 0;
  uint32_t peers_connected = 0;
  uint32_t peers_total = 0;
};

class Node {
 public:
  static Result<std::unique_ptr<Node>> Create(NodeConfig config, Consortium consortium);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Opens store, WAL and genesis, starts transport, driver, executor and the
  // given number of I/O threads. Codes: store.*, genesis.*, wal.*, config.*.
  Status Start(unsigned io_threads = 2);
  // Blocks until Stop() (or a fatal error) and returns the exit code.
  int Wait();
  // Makes Wait() return; safe from any thread, including signal handlers' threads.
  void RequestStop();
  // Stops every part and joins its threads. Call from the thread that owns the node.
  void Stop();
  void ReloadRevocations();

  // Submits a transaction of `kind` for this node's member (signed in a batch).
  // `done` is called once it is executed (accepted or rejected), or with an
  // error if the node stops first. Codes: mempool.full, node.halted.
  // `extras` carries an optional idempotency key (docs/contracts.md).
  Result<Hash> Submit(uint32_t kind, Bytes payload,
                      std::function<void(Result<TxOutcome>)> done = nullptr,
                      const TxExtras& extras = {});
  // Submits the transactions as consecutive members of one batch, in order: they
  // execute in one block, each seeing the effects of those before it. Each `done`
  // is called as for Submit. REQUIRES: 1 <= txs.size() <= the batch limit.
  struct TxSubmission {
    uint32_t kind = 0;
    Bytes payload;
    TxExtras extras;
    std::function<void(Result<TxOutcome>)> done;
  };
  Result<std::vector<Hash>> SubmitAll(std::vector<TxSubmission> txs);
  // Admits a member-signed batch made elsewhere (any member); returns its tx ids.
  // `done`, if given, is called once the batch is executed here (a batch always
  // executes within one block), with the outcome of its first transaction.
  Result<std::vector<Hash>> SubmitBatch(const pb::SignedBatch& batch,
                                        std::function<void(Result<TxOutcome>)> done = nullptr);
  // Calls `then` once when this node has executed `height` (at once if it has;
  // then on an I/O thread), or after `timeout`, or when the node stops. At most
  // kMaxHeightWaiters wait at a time; beyond, `then` runs at once.
  void AwaitHeight(uint64_t height, std::chrono::milliseconds timeout, std::function<void()> then);
  static constexpr size_t kMaxHeightWaiters = 100000;
  // The outcome of a committed transaction, if committed.
  std::optional<TxOutcome> Lookup(const Hash& tx_id) const;

  NodeStatus Snapshot() const;
  const Consortium& consortium() const;
  const NodeConfig& config() const;
  const Hasher& hasher() const;
  // Read access to the ledger for the query layers (thread-safe reads).
  const BlockStore& store() const;
  // Registers the node's metrics (read at scrape time). Call before Start().
  void RegisterMetrics(api::MetricsRegistry& metrics);

  struct Impl;

 private:
  explicit Node(std::unique_ptr<Impl> impl);
  // Calls done once tx_id is executed here (at once if it already is).
  void AwaitExecution(const Hash& tx_id, std::function<void(Result<TxOutcome>)> done);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fapiao::node
