#include "consensus/driver/statements.h"

#include "ledger/core/block.h"

namespace fapiao::consensus {

namespace {
Bytes Start(std::string_view domain, std::string_view chain_id) {
  Bytes out(domain);
  AppendLengthPrefixed(out, chain_id);
  return out;
}
constexpr std::string_view kPrepareDomain{"fapiao/prepare/v1\0", 18};
constexpr std::string_view kPrePrepareDomain{"fapiao/preprepare/v1\0", 21};
constexpr std::string_view kCheckpointDomain{"fapiao/checkpoint/v1\0", 21};
constexpr std::string_view kViewChangeDomain{"fapiao/viewchange/v1\0", 21};
constexpr std::string_view kNewViewDomain{"fapiao/newview/v1\0", 18};
}  // namespace

Bytes VoteStatement(std::string_view chain_id, const Vote& v) {
  if (v.phase == Phase::kCommit) return CommitStatement(chain_id, v.view, v.seq, v.digest);
  Bytes out = Start(kPrepareDomain, chain_id);
  AppendU64(out, v.view);
  AppendU64(out, v.seq);
  out.append(v.digest.view());
  return out;
}

Bytes PrePrepareStatement(std::string_view chain_id, const PrePrepare& pp) {
  Bytes out = Start(kPrePrepareDomain, chain_id);
  AppendU64(out, pp.view);
  AppendU64(out, pp.seq);
  out.append(pp.digest.view());
  return out;
}

Bytes CheckpointStatement(std::string_view chain_id, const Checkpoint& c) {
  Bytes out = Start(kCheckpointDomain, chain_id);
  AppendU64(out, c.seq);
  out.append(c.root.view());
  return out;
}

Bytes ViewChangeStatement(std::string_view chain_id, const ViewChange& vc) {
  Bytes out = Start(kViewChangeDomain, chain_id);
  AppendU64(out, vc.view);
  AppendU32(out, vc.sender);
  AppendU64(out, vc.stable.seq);
  out.append(vc.stable.root.view());
  AppendU32(out, static_cast<uint32_t>(vc.prepared.size()));
  for (const PreparedCert& p : vc.prepared) {
    AppendU64(out, p.view);
    AppendU64(out, p.seq);
    out.append(p.digest.view());
  }
  return out;
}

Bytes NewViewStatement(std::string_view chain_id, const NewView& nv, const Hasher& hasher) {
  Bytes out = Start(kNewViewDomain, chain_id);
  AppendU64(out, nv.view);
  AppendU32(out, nv.sender);
  AppendU32(out, static_cast<uint32_t>(nv.view_changes.size()));
  for (const ViewChange& vc : nv.view_changes) {
    out.append(hasher.Digest(ViewChangeStatement(chain_id, vc)).view());
  }
  return out;
}

}  // namespace fapiao::consensus
