// Executor: executes committed blocks strictly in height order on its own
// thread. For each block it assembles the ledger block (header from the
// proposal, batches from the mempool or a fetched copy), runs the contracts,
// and appends block, certificate, execution record, indexes and state in one
// atomic synced store write; then it reports the chained result root.
// Thread safety: Enqueue/Provide/Last may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "consensus/core/events.h"
#include "consensus/core/executed_set.h"
#include "consensus/driver/codec.h"
#include "ledger/store/block_store.h"
#include "node/mempool.h"
#include "proto/contracts.pb.h"
#include "proto/node.pb.h"

namespace fapiao::node {

struct ExecutedBlock {
  uint64_t height = 0;
  Hash block_id;
  Hash chain_root;
  uint64_t effective_time_ms = 0;
  std::vector<Hash> tx_ids;
  std::vector<Hash> batch_digests;
  std::vector<pb::Receipt> receipts;
  double execute_seconds = 0;  // assembling, running the contracts and storing the block
  double store_seconds = 0;    // of which the store's atomic synced write (fsync included)
};

struct ExecutorHooks {
  // After the block is durable (executor thread).
  std::function<void(const ExecutedBlock&)> executed;
  // Batches of a committed block are missing here: fetch height from a peer.
  std::function<void(uint64_t height, uint32_t attempt)> need_block;
  // A stored record is unreadable or the store failed: stop the node.
  std::function<void(const std::string&)> fatal;
};

class Executor {
 public:
  Executor(BlockStore& store, const Hasher& hasher, Mempool& mempool,
           const consensus::CodecContext& codec, ExecutorHooks hooks);
  ~Executor();

  // Executes and stores the genesis block on an empty store, then loads the tip.
  // REQUIRES: genesis and its certificate were checked (node/init.h LoadGenesis).
  // Codes: genesis.*, store.*.
  Status Open(const pb::Block& genesis, const pb::CommitCertificate& genesis_cert);
  void Start();
  void Stop();

  void Enqueue(consensus::act::Execute e);
  // A full committed block obtained from a peer (certificate already checked).
  void Provide(uint64_t height, pb::Block block);

  struct Tip {
    uint64_t height = 0;
    Hash block_id;
    Hash chain_root;
    Hash result_root;
    uint64_t effective_time_ms = 0;
  };
  Tip Last() const;
  // Batch-level request ids executed so far (rebuilt from the ledger at Open).
  consensus::ExecutedSet ExecutedRequests() const;
  uint64_t queued() const;
  double last_execute_ms() const { return last_execute_ms_.load(); }

  static Hash ChainRoot(const Hasher& hasher, const Hash& prev, const Hash& block_id,
                        const Hash& result_root);

 private:
  void Loop();
  // Returns false if the block cannot be assembled yet (batches missing).
  bool ExecuteOne(const consensus::act::Execute& e);
  std::optional<pb::Block> Assemble(const consensus::act::Execute& e);
  Status Apply(uint64_t height, const pb::Block& block, const Bytes& cert_bytes,
               uint64_t header_time, bool genesis);

  BlockStore& store_;
  const Hasher& hasher_;
  Mempool& mempool_;
  const consensus::CodecContext& codec_;
  ExecutorHooks hooks_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<consensus::act::Execute> queue_;
  std::map<uint64_t, pb::Block> provided_;
  bool stop_ = false;
  Tip tip_;
  consensus::ExecutedSet executed_;
  std::thread thread_;
  std::atomic<double> last_execute_ms_{0};
};

}  // namespace fapiao::node
