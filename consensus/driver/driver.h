// Driver: runs one consensus_core Replica inside the node. Every event reaches
// the replica through one strand (habit 6); incoming peer messages are decoded
// and their signatures verified on a worker pool first, so only verified
// messages reach the core (habit 9). Own records are appended to the WAL and
// fdatasynced before any message of the same step leaves; timers are Asio
// steady_timers tagged (kind, view, seq). The node implements DriverEnv.
// Thread safety: every public method may be called from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "consensus/core/config.h"
#include "consensus/core/events.h"
#include "consensus/core/header_source.h"
#include "consensus/driver/codec.h"
#include "consensus/driver/wal.h"

namespace boost::asio {
class io_context;
class thread_pool;
}  // namespace boost::asio

namespace fapiao::consensus {

// What the driver needs from the node (declared here, implemented by node/).
class DriverEnv {
 public:
  virtual ~DriverEnv() = default;
  // Transport: never blocks; may drop (the protocol re-sends).
  virtual void SendFrame(ReplicaId to, std::string frame) = 0;
  virtual void BroadcastFrame(std::string frame) = 0;
  // The block's batches, to ship with an own PRE-PREPARE (empty if unknown).
  virtual std::vector<pb::SignedBatch> BatchesOf(const Block& block) = 0;
  // Called on a worker before a received PRE-PREPARE reaches the core: verify
  // and admit its batches, check its header. A non-ok status drops it.
  virtual Status AdmitProposal(const PrePrepare& pp, const pb::PrePrepareMsg& wire) = 0;
  // A committed block to execute (in seq order). The node calls Driver::Executed after.
  virtual void Execute(const act::Execute& e) = 0;
  // Catch-up: blocks [from, to] requested from peer; the node answers with Driver::Fetched.
  virtual void Fetch(ReplicaId peer, Seq from, Seq to) = 0;
  virtual void Evidence(const act::Evidence& e) = 0;
  virtual void Halt(const std::string& reason) = 0;
  virtual void ViewChanged(View view, bool in_view_change) = 0;
};

struct DriverStats {
  std::atomic<uint64_t> messages_in{0};
  std::atomic<uint64_t> messages_dropped{0};  // malformed or badly signed
  std::atomic<uint64_t> votes_unneeded{0};    // past their quorum: dropped unverified
  std::atomic<uint64_t> messages_out{0};
  std::atomic<uint64_t> wal_appends{0};
  std::atomic<uint64_t> wal_bytes{0};
  std::atomic<uint64_t> verify_queue{0};
  std::atomic<uint64_t> view{0};
  std::atomic<uint64_t> view_changes{0};
  std::atomic<uint64_t> evidence{0};
};

class Driver {
 public:
  // REQUIRES: cfg.valid(); codec.signer set; everything outlives the Driver.
  Driver(boost::asio::io_context& io, boost::asio::thread_pool& workers, const Config& cfg,
         const Hasher& hasher, CodecContext codec, std::unique_ptr<Wal> wal, DriverEnv& env);
  ~Driver();
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  // Starts from the WAL and the ledger's state. Call once.
  void Start(Seq last_executed, const Hash& last_root, ExecutedSet executed);
  void Stop();

  void OnPeerMessage(ReplicaId from, std::shared_ptr<const pb::PeerMessage> msg);
  void Submit(const RequestRef& request);
  void Executed(Seq seq, const Hash& root);
  void Fetched(Seq seq, Block block, CommitCert cert);
  // Lets the node build headers of own proposals (called on the strand).
  void SetHeaderSource(HeaderSource* source);

  const DriverStats& stats() const { return stats_; }
  const CodecContext& codec() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  DriverStats stats_;
};

}  // namespace fapiao::consensus
