#include "consensus/sim/checker.h"

#include <algorithm>

#include "consensus/core/certificates.h"

namespace fapiao::consensus::sim {

Checker::Checker(const Config& cfg, const Hasher& hasher, std::vector<bool> byzantine)
    : cfg_(cfg), hasher_(hasher), byz_(std::move(byzantine)), applied_(cfg.n), height_(cfg.n, 0) {}

void Checker::Fail(std::string what) {
  if (violation_.empty()) violation_ = std::move(what);
}

void Checker::OnExecute(ReplicaId node, const act::Execute& ex) {
  const std::string who = "replica " + std::to_string(node) + " seq " + std::to_string(ex.seq);
  if (ex.seq != height_[node] + 1) Fail("out-of-order execution: " + who);
  height_[node] = ex.seq;
  max_height_ = std::max(max_height_, ex.seq);
  const Hash digest = BlockDigest(hasher_, ex.block);
  if (!ValidCommitCert(cfg_, ex.cert) || ex.cert.seq != ex.seq || ex.cert.digest != digest) {
    Fail("invalid commit certificate: " + who);
  }
  auto [it, fresh] = decided_.emplace(ex.seq, digest);
  if (!fresh && it->second != digest) {
    Fail("agreement violated: two honest replicas committed different blocks at " + who);
  }
  auto& mine = applied_[node];
  size_t d = 0;
  for (uint32_t i = 0; i < ex.block.requests.size(); ++i) {
    const RequestId& id = ex.block.requests[i].id;
    const bool skip = d < ex.duplicates.size() && ex.duplicates[d] == i;
    if (skip) {
      ++d;
      if (mine.count(id) == 0) Fail("request skipped as duplicate but never executed: " + who);
      continue;
    }
    if (submitted_.count(id) == 0) Fail("executed a request nobody submitted: " + who);
    if (!mine.insert(id).second) {
      Fail("request (" + std::to_string(id.member) + "," + std::to_string(id.seq) +
           ") executed twice: " + who);
    }
  }
}

void Checker::OnEvidence(ReplicaId reporter, const act::Evidence& e) {
  if (e.culprit < byz_.size() && byz_[e.culprit]) {
    ++evidence_;
    return;
  }
  Fail("honest replica " + std::to_string(e.culprit) + " accused by " + std::to_string(reporter) +
       " (kind " + std::to_string(static_cast<int>(e.kind)) + ")");
}

void Checker::OnHalt(ReplicaId node, const std::string& reason) {
  Fail("honest replica " + std::to_string(node) + " halted: " + reason);
}

bool Checker::AllApplied() const {
  for (ReplicaId r = 0; r < cfg_.n; ++r) {
    if (!byz_[r] && applied_[r].size() < submitted_.size()) return false;
  }
  return true;
}

std::string Checker::Lagging() const {
  std::string out;
  for (ReplicaId r = 0; r < cfg_.n; ++r) {
    if (byz_[r] || applied_[r].size() >= submitted_.size()) continue;
    out += " replica " + std::to_string(r) + " applied " + std::to_string(applied_[r].size()) +
           "/" + std::to_string(submitted_.size()) + " (height " + std::to_string(height_[r]) + ")";
  }
  return out;
}

}  // namespace fapiao::consensus::sim
