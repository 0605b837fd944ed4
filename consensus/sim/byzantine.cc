#include "consensus/sim/byzantine.h"

#include <algorithm>

#include "consensus/core/certificates.h"

namespace fapiao::consensus::sim {

const char* ByzKindName(ByzKind k) {
  switch (k) {
    case ByzKind::kSilent:
      return "silent";
    case ByzKind::kEquivocate:
      return "equivocate";
    case ByzKind::kMalformed:
      return "malformed";
    case ByzKind::kSpam:
      return "view-change-spam";
    case ByzKind::kReplay:
      return "replay";
  }
  return "?";
}

Block ByzantineShell::Alter(const Block& b) {
  Block out = b;
  if (out.requests.size() >= 2) {
    std::reverse(out.requests.begin(), out.requests.end());
  } else if (!out.requests.empty()) {
    out.requests.pop_back();
  }
  return out;
}

void ByzantineShell::Observe(const Message& m) {
  if (const auto* pp = std::get_if<PrePrepare>(&m)) {
    Block alt = Alter(pp->block);
    if (alt.requests.size() != pp->block.requests.size() || pp->block.requests.size() >= 2) {
      twin_digest_[pp->digest] = BlockDigest(hasher_, alt);
    }
  }
}

MsgPtr ByzantineShell::Twin(const Message& m) {
  if (const auto* pp = std::get_if<PrePrepare>(&m)) {
    Observe(m);
    if (twin_digest_.count(pp->digest) == 0) return nullptr;
    PrePrepare t = *pp;
    t.block = Alter(pp->block);
    t.digest = BlockDigest(hasher_, t.block);
    return std::make_shared<const Message>(std::move(t));
  }
  if (const auto* v = std::get_if<Vote>(&m)) {
    auto it = twin_digest_.find(v->digest);
    if (it == twin_digest_.end()) return nullptr;
    Vote t = *v;
    t.digest = it->second;
    return std::make_shared<const Message>(std::move(t));
  }
  return nullptr;
}

MsgPtr ByzantineShell::Garbage(const Message& m, std::mt19937_64& rng) {
  const ReplicaId self = cfg_.self;
  Hash junk;
  for (size_t i = 0; i < Hash::kSize; ++i) junk.data()[i] = static_cast<uint8_t>(rng());
  switch (rng() % 6) {
    case 0: {  // a conflicting vote for the same slot
      if (const auto* v = std::get_if<Vote>(&m)) {
        Vote t = *v;
        t.digest = junk;
        return std::make_shared<const Message>(std::move(t));
      }
      return nullptr;
    }
    case 1:  // a vote far outside any window
      return std::make_shared<const Message>(
          Vote{Phase::kCommit, rng() % 4, 1000000 + rng() % 1000, junk, self, {}});
    case 2:  // a checkpoint with a made-up root
      return std::make_shared<const Message>(
          Checkpoint{cfg_.checkpoint_interval * (1 + rng() % 8), junk, self, {}});
    case 3: {  // a VIEW-CHANGE with a prepared certificate signed by too few
      ViewChange vc;
      vc.view = 1 + rng() % 8;
      vc.sender = self;
      vc.stable.root = cfg_.genesis_root;
      PreparedCert pc;
      pc.view = 0;
      pc.seq = 1;
      pc.block = Block{};
      pc.digest = BlockDigest(hasher_, pc.block);
      pc.prepares.push_back(Vote{Phase::kPrepare, 0, 1, pc.digest, self, {}});
      pc.prepares.push_back(Vote{Phase::kPrepare, 0, 1, pc.digest, self, {}});
      vc.prepared.push_back(pc);
      return std::make_shared<const Message>(std::move(vc));
    }
    case 4: {  // a NEW-VIEW without a quorum behind it
      NewView nv;
      nv.view = self + cfg_.n * (1 + rng() % 4);
      nv.sender = self;
      return std::make_shared<const Message>(std::move(nv));
    }
    default: {  // a pre-prepare whose digest does not match its block
      PrePrepare pp;
      pp.view = rng() % 4;
      pp.seq = 1 + rng() % 8;
      pp.digest = junk;
      pp.sender = self;
      return std::make_shared<const Message>(std::move(pp));
    }
  }
}

void ByzantineShell::Rewrite(const MsgPtr& msg, ReplicaId to, std::mt19937_64& rng,
                             std::vector<MsgPtr>& out) {
  switch (kind_) {
    case ByzKind::kSilent:
      return;
    case ByzKind::kEquivocate: {
      MsgPtr twin = Twin(*msg);
      if (twin == nullptr) {
        out.push_back(msg);
        return;
      }
      out.push_back(Group(to) == 1 ? twin : msg);
      if (rng() % 8 == 0) out.push_back(Group(to) == 1 ? msg : twin);  // caught in the act
      return;
    }
    case ByzKind::kMalformed:
      out.push_back(msg);
      if (rng() % 4 == 0) {
        if (MsgPtr g = Garbage(*msg, rng)) out.push_back(std::move(g));
      }
      return;
    case ByzKind::kSpam:
      out.push_back(msg);
      if (rng() % 4 == 0) {
        ViewChange vc;
        vc.view = (uint64_t{1} << (10 + rng() % 50)) + rng() % 1000;
        vc.sender = cfg_.self;
        vc.stable.root = cfg_.genesis_root;
        out.push_back(std::make_shared<const Message>(std::move(vc)));
      }
      return;
    case ByzKind::kReplay:
      out.push_back(msg);
      if (sent_.size() < 256) {
        sent_.push_back(msg);
      } else {
        sent_[rng() % sent_.size()] = msg;
      }
      if (rng() % 3 == 0) out.push_back(sent_[rng() % sent_.size()]);
      return;
  }
}

}  // namespace fapiao::consensus::sim
