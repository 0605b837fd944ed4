// UnneededVotes: which received votes the core has no use for, so the driver's
// workers drop them before checking their signature. Thread-safe: written on the
// driver's strand, read by its workers.
#pragma once

#include <atomic>
#include <mutex>
#include <set>
#include <utility>

#include "consensus/core/types.h"
#include "proto/p2p.pb.h"

namespace fapiao::consensus {

// Votes the core has no use for, in the current view: any vote for a block already
// handed to execution, and a PREPARE for a slot this replica sent its COMMIT for (it
// is prepared). Workers drop them before checking their signature: with n = 4, one
// vote in three of each phase arrives after its quorum. Written on the strand, read
// by the workers.
class UnneededVotes {
 public:
  bool Has(const pb::VoteMsg& v) const {
    if (v.view() != view_.load(std::memory_order_relaxed)) return false;
    if (v.seq() <= executed_.load(std::memory_order_relaxed)) return true;
    if (v.phase() != static_cast<uint32_t>(Phase::kPrepare)) return false;
    std::lock_guard lock(mu_);
    return prepared_.count({v.view(), v.seq()}) > 0;
  }
  void SetView(View v) { view_.store(v, std::memory_order_relaxed); }
  void Prepared(View v, Seq s) {
    std::lock_guard lock(mu_);
    prepared_.emplace(v, s);
  }
  void Executed(Seq s) {
    executed_.store(s, std::memory_order_relaxed);
    std::lock_guard lock(mu_);
    for (auto it = prepared_.begin(); it != prepared_.end();) {
      it = it->second <= s ? prepared_.erase(it) : std::next(it);
    }
  }

 private:
  std::atomic<View> view_{0};
  std::atomic<Seq> executed_{0};
  mutable std::mutex mu_;
  std::set<std::pair<View, Seq>> prepared_;
};

}  // namespace fapiao::consensus
