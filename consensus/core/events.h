// The core's interface to its driver: Event (input to Replica::Step) and Action
// (its output), plus Record, the WAL entries of persist-then-send. Plain values;
// an Event::Receive borrows its message for the duration of one Step only.
// Actions must be carried out in order: a Persist is durable before any later
// Send/Broadcast of the same Step leaves the process (docs/consensus.md).
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "consensus/core/executed_set.h"
#include "consensus/core/types.h"

namespace fapiao::consensus {

enum class TimerKind : uint8_t {
  kProposal = 0,    // primary: propose a partial block
  kRequest = 1,     // a known request is not committed in time: view change
  kViewChange = 2,  // no NEW-VIEW in time: next view (backs off)
  kResend = 3,      // periodic re-broadcast of own votes, fetch retry
};
inline constexpr int kTimerKinds = 4;

// ---- records persisted before the messages they justify leave ----
using Record = std::variant<PrePrepare,       // accepted (or, as primary, sent) proposal
                            Vote,             // own PREPARE / COMMIT
                            PreparedCert,     // own prepared certificate
                            ViewChange,       // own VIEW-CHANGE
                            NewView,          // installed NEW-VIEW
                            CheckpointCert>;  // stable checkpoint (the WAL may drop what is below)

struct Recovery {
  std::vector<Record> wal;  // in append order
  Seq last_executed = 0;    // from the ledger
  Hash last_root;           // result root after last_executed
  ExecutedSet executed;     // the ledger's request index
};

// ---- events ----
namespace ev {
struct RequestReady {
  RequestRef request;  // validated and stored by the driver's mempool
};
struct Receive {
  ReplicaId from = 0;            // authenticated by the driver
  const Message* msg = nullptr;  // borrowed for this Step; signatures already verified
};
struct TimerFired {
  TimerKind kind = TimerKind::kResend;
  View view = 0;
  Seq seq = 0;
};
struct BlockExecuted {
  Seq seq = 0;
  Hash root;  // result root after executing seq
};
struct BlockFetched {
  Seq seq = 0;
  Block block;
  CommitCert cert;
};
struct Recovered {
  Recovery state;
};
}  // namespace ev
using Event = std::variant<ev::RequestReady, ev::Receive, ev::TimerFired, ev::BlockExecuted,
                           ev::BlockFetched, ev::Recovered>;

// ---- actions ----
enum class EvidenceKind : uint8_t {
  kConflictingVote = 1,        // two votes, same (view, seq, phase), different digests
  kEquivocatingPrimary = 2,    // two PRE-PREPAREs for one (view, seq)
  kConflictingCheckpoint = 3,  // checkpoint root differs from the stable one
  kInvalidCertificate = 4,     // a certificate that fails the quorum rules
};

namespace act {
struct Send {
  ReplicaId to = 0;
  Message msg;
};
struct Broadcast {  // to every other replica
  Message msg;
};
struct Persist {  // durable (fsync) before any later Send/Broadcast of this Step
  Record record;
};
struct StartTimer {  // (re)arms the single timer of this kind
  TimerKind kind = TimerKind::kResend;
  View view = 0;
  Seq seq = 0;
  uint64_t after = 0;
};
struct CancelTimer {
  TimerKind kind = TimerKind::kResend;
};
struct Execute {  // committed: store block + certificate, apply, answer BlockExecuted
  Seq seq = 0;
  Block block;
  CommitCert cert;
  std::vector<uint32_t> duplicates;  // indices into block.requests executed before: skip
};
struct Fetch {  // ask peer for committed blocks [from, to] with their certificates
  ReplicaId peer = 0;
  Seq from = 0;
  Seq to = 0;
};
struct Stable {  // checkpoint seq is stable: WAL records below it may be dropped
  CheckpointCert cert;
};
struct Evidence {
  ReplicaId culprit = 0;
  EvidenceKind kind = EvidenceKind::kConflictingVote;
  View view = 0;
  Seq seq = 0;
};
struct Halt {  // own state disagrees with a stable checkpoint: stop instead of forking
  std::string reason;
};
}  // namespace act
using Action =
    std::variant<act::Send, act::Broadcast, act::Persist, act::StartTimer, act::CancelTimer,
                 act::Execute, act::Fetch, act::Stable, act::Evidence, act::Halt>;
using Actions = std::vector<Action>;

}  // namespace fapiao::consensus
