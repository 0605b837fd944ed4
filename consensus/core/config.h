// Replica configuration and the quorum rule. Immutable value given to a
// Replica at construction; thread-safe to share. Durations are in abstract
// ticks of the driver's clock (milliseconds in the node, virtual in the simulator).
#pragma once

#include <cassert>
#include <cstdint>

#include "consensus/core/types.h"

namespace fapiao::consensus {

// f = floor((n-1)/3) faults tolerated; quorum q = n - f. Two quorums intersect in
// 2q - n = n - 2f >= f + 1 replicas, so in at least one honest one, for every n >= 1.
inline uint32_t MaxFaulty(uint32_t n) {
  return n == 0 ? 0 : (n - 1) / 3;
}
inline uint32_t Quorum(uint32_t n) {
  return n - MaxFaulty(n);
}

struct Config {
  static constexpr uint32_t kMaxReplicas = 64;  // votes are tracked in a 64-bit mask

  uint32_t n = 4;
  ReplicaId self = 0;
  uint32_t checkpoint_interval = 8;  // K: a checkpoint every K blocks
  uint32_t window = 32;              // L: sequence numbers accepted in (h, h + L]
  uint32_t max_batch_count = 100;    // requests per block
  uint64_t max_batch_bytes = 1 << 20;
  uint64_t proposal_delay = 2;  // wait this long for a fuller block
  // As primary, propose a block only while fewer than this many blocks are committed or
  // proposed but not yet executed here (0: no limit). When execution falls behind (the
  // machine is busy), the next block gathers what arrives meanwhile: blocks grow with the
  // load, and their per-block costs (votes, fsyncs) shrink per transaction.
  uint32_t max_unexecuted_blocks = 0;
  uint64_t request_timeout = 400;      // a known request not committed by then: view change
  uint64_t view_change_timeout = 400;  // base; doubled per failed view change
  uint32_t max_backoff_exponent = 6;
  uint64_t resend_interval = 100;    // re-broadcast own votes for undecided slots
  uint64_t max_view_jump = 1 << 20;  // VIEW-CHANGEs further ahead are dropped
  uint32_t max_fetch_blocks = 256;   // blocks asked for in one FETCH
  Hash genesis_root;                 // result root at seq 0

  uint32_t f() const { return MaxFaulty(n); }
  uint32_t quorum() const { return Quorum(n); }
  ReplicaId primary(View v) const { return static_cast<ReplicaId>(v % n); }
  bool valid() const {
    return n >= 1 && n <= kMaxReplicas && self < n && checkpoint_interval >= 1 &&
           window >= checkpoint_interval && max_batch_count >= 1;
  }
};

}  // namespace fapiao::consensus
