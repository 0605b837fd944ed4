#include "consensus/core/certificates.h"

#include <bit>

#include "ledger/core/block.h"
#include "ledger/core/merkle.h"

namespace fapiao::consensus {
namespace {

constexpr char kBlockDomain[] = "fapiao/pbft/block/v1";

// Adds sender to mask; false if out of range or already present.
bool AddSender(const Config& cfg, uint64_t& mask, ReplicaId sender) {
  if (sender >= cfg.n) return false;
  const uint64_t bit = uint64_t{1} << sender;
  if (mask & bit) return false;
  mask |= bit;
  return true;
}

}  // namespace

Hash BlockDigest(const Hasher& hasher, const Block& block) {
  if (!block.header.empty()) {
    // A block with a ledger header is named by the ledger's block id, so the
    // commit certificate verifies against the stored block (docs/formats.md).
    // The header must commit to exactly these requests: its batch root is the
    // Merkle root of their digests (batch leaf hashes) and its batch count theirs.
    pb::BlockHeader h;
    std::vector<Hash> leaves;
    leaves.reserve(block.requests.size());
    for (const RequestRef& r : block.requests) leaves.push_back(r.digest);
    if (!h.ParseFromString(block.header) || h.batch_count() != block.requests.size() ||
        MerkleRoot(hasher, leaves).view() != h.batch_root()) {
      // Inconsistent: a digest no honest replica ever signs.
      return hasher.Digest(Bytes("fapiao/pbft/inconsistent-block/v1") + block.header);
    }
    return BlockId(hasher, block.header);
  }
  Bytes buf;
  buf.reserve(sizeof(kBlockDomain) + 4 + block.requests.size() * 48);
  buf.append(kBlockDomain, sizeof(kBlockDomain) - 1);
  AppendU32(buf, static_cast<uint32_t>(block.requests.size()));
  for (const RequestRef& r : block.requests) {
    AppendU32(buf, r.id.member);
    AppendU64(buf, r.id.seq);
    buf.append(r.digest.view());
    AppendU32(buf, r.bytes);
  }
  return hasher.Digest(buf);
}

bool ValidCommitCert(const Config& cfg, const CommitCert& cert) {
  uint64_t mask = 0;
  for (const Vote& v : cert.commits) {
    if (v.phase != Phase::kCommit || v.view != cert.view || v.seq != cert.seq ||
        v.digest != cert.digest || !AddSender(cfg, mask, v.sender)) {
      return false;
    }
  }
  return static_cast<uint32_t>(std::popcount(mask)) >= cfg.quorum();
}

bool ValidPreparedCert(const Config& cfg, const Hasher& hasher, const PreparedCert& cert) {
  uint64_t mask = 0;
  for (const Vote& v : cert.prepares) {
    if (v.phase != Phase::kPrepare || v.view != cert.view || v.seq != cert.seq ||
        v.digest != cert.digest || !AddSender(cfg, mask, v.sender)) {
      return false;
    }
  }
  if (static_cast<uint32_t>(std::popcount(mask)) < cfg.quorum()) return false;
  return BlockDigest(hasher, cert.block) == cert.digest;
}

bool ValidCheckpointCert(const Config& cfg, const CheckpointCert& cert) {
  if (cert.seq == 0) return cert.root == cfg.genesis_root;
  if (cert.seq % cfg.checkpoint_interval != 0) return false;
  uint64_t mask = 0;
  for (const Checkpoint& c : cert.votes) {
    if (c.seq != cert.seq || c.root != cert.root || !AddSender(cfg, mask, c.sender)) return false;
  }
  return static_cast<uint32_t>(std::popcount(mask)) >= cfg.quorum();
}

bool ValidViewChange(const Config& cfg, const Hasher& hasher, const ViewChange& vc) {
  if (vc.sender >= cfg.n || !ValidCheckpointCert(cfg, vc.stable)) return false;
  const Seq lo = vc.stable.seq;
  const Seq hi = lo + cfg.window;
  Seq prev = lo;
  for (const PreparedCert& p : vc.prepared) {
    // Strictly increasing seqs: one certificate (the highest view) per seq.
    if (p.seq <= prev || p.seq > hi || p.view >= vc.view) return false;
    if (!ValidPreparedCert(cfg, hasher, p)) return false;
    prev = p.seq;
  }
  return true;
}

std::optional<NewViewPlan> PlanNewView(const Config& cfg, const Hasher& hasher, const NewView& nv) {
  if (nv.sender != cfg.primary(nv.view)) return std::nullopt;
  uint64_t mask = 0;
  const CheckpointCert* stable = nullptr;
  for (const ViewChange& vc : nv.view_changes) {
    if (vc.view != nv.view || !AddSender(cfg, mask, vc.sender)) return std::nullopt;
    if (!ValidViewChange(cfg, hasher, vc)) return std::nullopt;
    if (stable == nullptr || vc.stable.seq > stable->seq) stable = &vc.stable;
  }
  if (static_cast<uint32_t>(std::popcount(mask)) < cfg.quorum() || stable == nullptr) {
    return std::nullopt;
  }
  const Seq min_s = stable->seq;
  Seq max_s = min_s;
  for (const ViewChange& vc : nv.view_changes) {
    for (const PreparedCert& p : vc.prepared) {
      if (p.seq > min_s && p.seq <= min_s + cfg.window && p.seq > max_s) max_s = p.seq;
    }
  }
  NewViewPlan plan;
  plan.stable = stable;
  plan.proposals.resize(max_s - min_s);
  std::vector<const PreparedCert*> best(max_s - min_s, nullptr);
  for (const ViewChange& vc : nv.view_changes) {
    for (const PreparedCert& p : vc.prepared) {
      if (p.seq <= min_s || p.seq > max_s) continue;
      const PreparedCert*& b = best[p.seq - min_s - 1];
      // Highest view wins; equal views with different digests cannot both be prepared
      // with at most f faults, but pick deterministically anyway.
      if (b == nullptr || p.view > b->view || (p.view == b->view && p.digest < b->digest)) b = &p;
    }
  }
  const Hash null_digest = BlockDigest(hasher, Block{});
  for (Seq i = 0; i < max_s - min_s; ++i) {
    Reproposal& r = plan.proposals[i];
    r.seq = min_s + 1 + i;
    if (best[i] != nullptr) {
      r.digest = best[i]->digest;
      r.block = best[i]->block;
    } else {
      r.digest = null_digest;
    }
  }
  return plan;
}

}  // namespace fapiao::consensus
