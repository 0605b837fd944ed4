// The simulator's invariant checker: agreement (one block per height among
// honest replicas), certificate validity (quorum of distinct COMMITs for the
// executed block), exactly-once execution and validity of requests, no honest
// replica accused or halted, and completion for the liveness check.
// Owned by one Simulation; single-threaded.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "consensus/core/config.h"
#include "consensus/core/events.h"
#include "ledger/core/crypto.h"

namespace fapiao::consensus::sim {

class Checker {
 public:
  Checker(const Config& cfg, const Hasher& hasher, std::vector<bool> byzantine);

  void Submitted(const RequestId& id) { submitted_.insert(id); }
  // An honest replica executes ex; returns the requests it applies.
  void OnExecute(ReplicaId node, const act::Execute& ex);
  void OnEvidence(ReplicaId reporter, const act::Evidence& e);
  void OnHalt(ReplicaId node, const std::string& reason);

  bool violated() const { return !violation_.empty(); }
  const std::string& violation() const { return violation_; }
  // Every honest replica applied every submitted request.
  bool AllApplied() const;
  std::string Lagging() const;  // which honest replicas miss how many requests
  uint64_t max_height() const { return max_height_; }
  uint64_t evidence() const { return evidence_; }

 private:
  void Fail(std::string what);

  Config cfg_;
  const Hasher& hasher_;
  std::vector<bool> byz_;
  std::unordered_set<RequestId, RequestIdHash> submitted_;
  std::unordered_map<Seq, Hash> decided_;
  std::vector<std::unordered_set<RequestId, RequestIdHash>> applied_;
  std::vector<Seq> height_;
  uint64_t max_height_ = 0;
  uint64_t evidence_ = 0;
  std::string violation_;
};

}  // namespace fapiao::consensus::sim
