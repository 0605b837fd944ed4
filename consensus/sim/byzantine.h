// Byzantine behaviours for the simulator: a Byzantine replica runs an honest
// core and this shell rewrites what leaves it (silence, equivocation, conflicting
// and malformed votes, replays, view-change spam). It can sign only as itself:
// the transport's authentication is modelled by the network stamping the sender.
// Owned by its simulated node; single-threaded.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "consensus/core/config.h"
#include "consensus/core/types.h"
#include "ledger/core/crypto.h"

namespace fapiao::consensus::sim {

enum class ByzKind : uint8_t { kSilent, kEquivocate, kMalformed, kSpam, kReplay };
const char* ByzKindName(ByzKind k);

using MsgPtr = std::shared_ptr<const Message>;

class ByzantineShell {
 public:
  ByzantineShell(ByzKind kind, const Config& cfg, const Hasher& hasher)
      : kind_(kind), cfg_(cfg), hasher_(hasher) {}

  ByzKind kind() const { return kind_; }
  // Learns the proposals it sees so that it can vote for an altered twin.
  void Observe(const Message& m);
  // What actually goes to `to` instead of msg (zero, one or more messages).
  void Rewrite(const MsgPtr& msg, ReplicaId to, std::mt19937_64& rng, std::vector<MsgPtr>& out);
  // Honest replicas split into two groups that an equivocator feeds differently.
  static int Group(ReplicaId r) { return static_cast<int>(r % 2); }
  // The deterministic twin of a block: same requests, different order or one fewer.
  static Block Alter(const Block& b);

 private:
  MsgPtr Twin(const Message& m);
  MsgPtr Garbage(const Message& m, std::mt19937_64& rng);

  ByzKind kind_;
  Config cfg_;
  const Hasher& hasher_;
  std::map<Hash, Hash> twin_digest_;
  std::vector<MsgPtr> sent_;  // for replays
};

}  // namespace fapiao::consensus::sim
