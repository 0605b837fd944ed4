// Replica: one PBFT replica as a pure, deterministic state machine
// (Castro-Liskov with checkpoints, view change, catch-up by fetching certified
// blocks). Step(Event) appends Actions; no I/O, clock, threads or randomness.
// Owns all its state; borrows the Hasher (must outlive it). Not thread-safe:
// the driver serialises every event through one queue. Protocol: docs/consensus.md.
#pragma once

#include <array>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "consensus/core/certificates.h"
#include "consensus/core/config.h"
#include "consensus/core/events.h"
#include "consensus/core/executed_set.h"
#include "consensus/core/header_source.h"
#include "consensus/core/types.h"
#include "ledger/core/crypto.h"

namespace fapiao::consensus {

class Replica {
 public:
  // REQUIRES: cfg.valid()
  Replica(const Config& cfg, const Hasher& hasher);

  // A fresh replica at genesis: arms its timers. Call once, or send ev::Recovered instead.
  void Start(Actions& out);
  // Appends the actions for one event to out (out is not cleared).
  void Step(const Event& event, Actions& out);
  Actions Step(const Event& event) {
    Actions out;
    Step(event, out);
    return out;
  }

  // The source of ledger headers for own proposals (may be null; not owned).
  void SetHeaderSource(HeaderSource* source) { header_source_ = source; }

  // Introspection for drivers, tests and the simulator.
  const Config& config() const { return cfg_; }
  View view() const { return view_; }
  bool in_view_change() const { return in_view_change_; }
  bool halted() const { return halted_; }
  Seq last_executed() const { return last_exec_; }
  Seq stable_seq() const { return h_; }
  size_t pending_requests() const { return pending_.size(); }
  size_t log_slots() const { return log_.size(); }
  bool is_primary() const { return cfg_.primary(view_) == cfg_.self; }
  // One line about a log slot, for traces of failed simulations.
  std::string DescribeSlot(Seq seq) const;

 private:
  struct Tally {
    Phase phase = Phase::kPrepare;
    Hash digest;
    uint64_t mask = 0;
    std::vector<Vote> votes;
  };
  struct Slot {
    View view = 0;  // the view the fields below belong to
    bool has_pp = false;
    Hash digest;
    Block block;
    bool sent_prepare = false;  // own PREPARE for (view, seq, prepare_digest)
    Hash prepare_digest;
    bool sent_commit = false;  // own COMMIT for (view, seq, commit_digest)
    Hash commit_digest;
    std::vector<Tally> tallies;
    std::optional<PreparedCert> prepared;  // highest view; survives view changes
    bool committed = false;
    Block committed_block;
    CommitCert cert;
  };
  struct Pending {
    RequestRef ref;
    uint64_t order = 0;
    bool proposed = false;
  };
  struct Fetched {
    Block block;
    CommitCert cert;
  };

  // replica.cc: dispatch, requests and proposals, normal case, execution.
  void OnRequest(const RequestRef& r, Actions& out);
  void OnReceive(ReplicaId from, const Message& m, Actions& out);
  void OnTimer(const ev::TimerFired& t, Actions& out);
  void OnPrePrepare(ReplicaId from, const PrePrepare& pp, Actions& out);
  void OnVote(ReplicaId from, const Vote& v, Actions& out);
  void MaybePropose(bool force, Actions& out);
  void AcceptPrePrepare(Seq seq, const Hash& digest, const Block& block, Actions& out);
  void SendVote(Phase phase, Seq seq, const Hash& digest, Actions& out);
  bool AddVote(const Vote& v, Actions& out);  // false if rejected
  void CheckSlot(Seq seq, Actions& out);
  void TryExecute(Actions& out);
  void ArmRequestTimer(Actions& out);
  void DropStaleQueueFront();
  void OnRequestTimer(Actions& out);
  void Resend(Actions& out);
  Slot* SlotFor(Seq seq);  // nullptr outside (h, h + L]; resets fields of older views
  bool InWindow(Seq seq) const { return seq > h_ && seq <= h_ + cfg_.window; }
  uint64_t Backoff(uint64_t base) const;
  void NotePeerView(ReplicaId peer, View v, Actions& out);
  void NoteForeignCommit(const Vote& v, Actions& out);

  // replica_view_change.cc
  void StartViewChange(View v, Actions& out);
  void OnViewChange(ReplicaId from, const ViewChange& vc, Actions& out);
  void OnNewView(ReplicaId from, const NewView& nv, Actions& out);
  void TryNewView(Actions& out);
  void InstallNewView(const NewView& nv, const NewViewPlan& plan, Actions& out);
  void OnViewChangeTimer(Actions& out);

  // replica_checkpoint.cc: checkpoints, stability, catch-up, recovery.
  void OnExecuted(const ev::BlockExecuted& e, Actions& out);
  void OnCheckpoint(ReplicaId from, const Checkpoint& c, Actions& out);
  void MakeStable(const CheckpointCert& cert, Actions& out);
  void CheckLag(Actions& out);
  void RequestFetch(Seq to, ReplicaId peer, Actions& out);
  void OnFetched(const ev::BlockFetched& f, Actions& out);
  void OnRecovered(const Recovery& r, Actions& out);
  void Halt(std::string reason, Actions& out);

  const Config cfg_;
  const Hasher& hasher_;
  HeaderSource* header_source_ = nullptr;
  const Hash null_digest_;

  // View state.
  View view_ = 0;
  bool in_view_change_ = false;
  uint32_t failed_view_changes_ = 0;  // consecutive, reset by a commit: drives back-off
  std::optional<ViewChange> my_vc_;
  std::optional<NewView> my_new_view_;          // as primary of view_, for laggards
  std::vector<std::optional<ViewChange>> vcs_;  // highest VIEW-CHANGE per sender
  std::vector<View> peer_view_;                 // highest view each peer has shown

  // Log and execution.
  bool halted_ = false;
  Seq h_ = 0;  // low watermark = stable checkpoint
  CheckpointCert stable_;
  std::map<Seq, Slot> log_;
  Seq next_seq_ = 1;   // as primary
  Seq last_exec_ = 0;  // handed to the driver for execution
  Seq last_done_ = 0;  // reported executed by the driver (BlockExecuted)
  ExecutedSet executed_;
  std::map<Seq, Fetched> fetched_;
  struct ForeignCommits {
    View view = 0;
    Hash digest;
    uint64_t mask = 0;
  };
  // COMMITs we could not use (other view, outside the window, or while changing view):
  // a quorum for one (view, seq, digest) proves a commit we missed, so we fetch it.
  std::map<Seq, std::vector<ForeignCommits>> foreign_;
  Seq fetch_target_ = 0;
  ReplicaId fetch_peer_ = 0;

  // Checkpoints.
  std::map<Seq, std::vector<Checkpoint>> cp_votes_;  // seqs in (h, horizon]
  std::map<Seq, Hash> my_roots_;                     // own roots at checkpoint seqs > h
  std::optional<Checkpoint> my_checkpoint_;
  std::vector<Seq> peer_cp_;  // highest checkpoint seq per peer (lag detection)

  // Requests.
  std::unordered_map<RequestId, Pending, RequestIdHash> pending_;
  std::deque<RequestId> queue_;  // arrival order; may hold ids no longer pending
  size_t scan_from_ = 0;         // queue_[0, scan_from_) are proposed or gone
  uint64_t next_order_ = 0;
  size_t unproposed_ = 0;
  bool proposal_timer_armed_ = false;
  bool proposal_due_ = false;  // a proposal waits only for execution to catch up
  bool request_timer_armed_ = false;
  uint64_t request_timer_mark_ = 0;
  bool request_probed_ = false;  // asked every peer for blocks past ours before a view change

  // Resend back-off while nothing changes.
  uint32_t resend_idle_ = 0;
  bool progressed_ = false;
};

}  // namespace fapiao::consensus
