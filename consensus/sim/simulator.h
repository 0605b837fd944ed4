// The deterministic discrete-event simulator: N replicas (consensus_core) on a
// virtual clock with one seeded RNG, a faulty network (delay, loss, duplication,
// reordering, partitions), crash/restart from the persisted WAL and ledger, slow
// and Byzantine replicas, and the checker run after every step. One Simulation
// owns everything it runs; single-threaded; the same options give the same run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fapiao::consensus::sim {

struct Faults {
  bool crash = false;
  bool partition = false;
  bool loss = false;
  bool dup = false;
  bool reorder = false;
  bool slow = false;
  bool byzantine = false;
  // "all" or a comma list of crash,partition,loss,dup,reorder,slow,byzantine,none.
  static bool Parse(const std::string& spec, Faults& out, std::string& error);
  std::string ToString() const;
};

struct SimOptions {
  uint32_t n = 4;
  uint64_t seed = 1;
  uint32_t requests = 60;
  uint32_t members = 3;  // request senders (member, sequence)
  int byzantine = -1;    // Byzantine replicas; -1: f when faults.byzantine, else 0
  Faults faults;
  uint64_t stabilize_at = 3000;     // faults stop (GST); everything restarts and heals
  uint64_t liveness_bound = 60000;  // after stabilize_at, every request must commit
  uint32_t max_batch = 8;
  bool trace = false;  // record every event (for printing a failure)
};

struct SimResult {
  uint64_t seed = 0;
  bool violation = false;
  bool liveness_failure = false;
  std::string what;               // first violation or liveness failure
  uint64_t committed_blocks = 0;  // max height reached by an honest replica
  uint64_t steps = 0;             // events processed
  uint64_t end_time = 0;
  uint64_t evidence = 0;           // misbehaviour reports against Byzantine replicas
  std::vector<std::string> trace;  // last events (all of them with trace=true)
};

SimResult RunSimulation(const SimOptions& options);

}  // namespace fapiao::consensus::sim
