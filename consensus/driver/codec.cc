#include "consensus/driver/codec.h"

#include "consensus/driver/statements.h"
#include "ledger/core/batch.h"
#include "ledger/core/merkle.h"

namespace fapiao::consensus {

namespace {

Status Bad(const std::string& what) {
  return Status::Error("p2p.malformed", what);
}

std::optional<Hash> HashOf(const std::string& b) {
  return Hash::FromBytes(b);
}

// ---- signing helpers ----
void SignIfOwn(const CodecContext& ctx, ReplicaId sender, Bytes& sig, const Bytes& statement) {
  if (sender == ctx.self && sig.empty() && ctx.signer != nullptr) sig = ctx.signer->Sign(statement);
}

bool Verified(const CodecContext& ctx, ReplicaId sender, const Bytes& sig, const Bytes& statement) {
  if (ctx.verifier == nullptr) return sender < ctx.n;
  return sender < ctx.n && sender < ctx.member_keys.size() &&
         ctx.verifier->Verify(ctx.member_keys[sender], statement, sig);
}

// ---- to wire ----
void PutVote(const CodecContext& ctx, const Vote& v, pb::VoteMsg* out) {
  Vote s = v;
  SignIfOwn(ctx, s.sender, s.sig, VoteStatement(ctx.chain_id, s));
  out->set_phase(static_cast<uint32_t>(s.phase));
  out->set_view(s.view);
  out->set_seq(s.seq);
  out->set_digest(s.digest.ToBytes());
  out->set_sender(s.sender);
  out->set_sig(std::move(s.sig));
}

void PutCheckpoint(const CodecContext& ctx, const Checkpoint& c, pb::CheckpointMsg* out) {
  Checkpoint s = c;
  SignIfOwn(ctx, s.sender, s.sig, CheckpointStatement(ctx.chain_id, s));
  out->set_seq(s.seq);
  out->set_root(s.root.ToBytes());
  out->set_sender(s.sender);
  out->set_sig(std::move(s.sig));
}

void PutCheckpointCert(const CodecContext& ctx, const CheckpointCert& c,
                       pb::CheckpointCertMsg* out) {
  out->set_seq(c.seq);
  out->set_root(c.root.ToBytes());
  for (const auto& v : c.votes) PutCheckpoint(ctx, v, out->add_votes());
}

void PutPrepared(const CodecContext& ctx, const PreparedCert& p, pb::PreparedCertMsg* pm) {
  pm->set_view(p.view);
  pm->set_seq(p.seq);
  pm->set_digest(p.digest.ToBytes());
  *pm->mutable_block() = ToWire(p.block);
  for (const auto& v : p.prepares) PutVote(ctx, v, pm->add_prepares());
}

void PutViewChange(const CodecContext& ctx, const ViewChange& vc, pb::ViewChangeMsg* out) {
  out->set_view(vc.view);
  out->set_sender(vc.sender);
  PutCheckpointCert(ctx, vc.stable, out->mutable_stable());
  for (const auto& p : vc.prepared) PutPrepared(ctx, p, out->add_prepared());
  Bytes sig = vc.sig;
  SignIfOwn(ctx, vc.sender, sig, ViewChangeStatement(ctx.chain_id, vc));
  out->set_sig(std::move(sig));
}

// ---- from wire ----
Result<Vote> GetVote(const CodecContext& ctx, const pb::VoteMsg& m) {
  auto d = HashOf(m.digest());
  if (!d || (m.phase() != 1 && m.phase() != 2)) return Bad("vote fields");
  Vote v{static_cast<Phase>(m.phase()), m.view(), m.seq(), *d, m.sender(), m.sig()};
  if (!Verified(ctx, v.sender, v.sig, VoteStatement(ctx.chain_id, v))) {
    return Status::Error("p2p.bad_signature", "vote signature");
  }
  return v;
}

Result<Checkpoint> GetCheckpoint(const CodecContext& ctx, const pb::CheckpointMsg& m) {
  auto r = HashOf(m.root());
  if (!r) return Bad("checkpoint root");
  Checkpoint c{m.seq(), *r, m.sender(), m.sig()};
  if (!Verified(ctx, c.sender, c.sig, CheckpointStatement(ctx.chain_id, c))) {
    return Status::Error("p2p.bad_signature", "checkpoint signature");
  }
  return c;
}

Result<CheckpointCert> GetCheckpointCert(const CodecContext& ctx, const pb::CheckpointCertMsg& m) {
  auto r = HashOf(m.root());
  if (!r) return Bad("checkpoint certificate root");
  CheckpointCert c{m.seq(), *r, {}};
  for (const auto& v : m.votes()) {
    auto cp = GetCheckpoint(ctx, v);
    if (!cp.ok()) return cp.status();
    c.votes.push_back(std::move(*cp));
  }
  return c;
}

Result<PreparedCert> GetPrepared(const CodecContext& ctx, const pb::PreparedCertMsg& pm) {
  PreparedCert p;
  p.view = pm.view();
  p.seq = pm.seq();
  auto d = HashOf(pm.digest());
  auto b = FromWire(pm.block());
  if (!d || !b.ok()) return Bad("prepared certificate");
  p.digest = *d;
  p.block = std::move(*b);
  for (const auto& v : pm.prepares()) {
    auto vote = GetVote(ctx, v);
    if (!vote.ok()) return vote.status();
    p.prepares.push_back(std::move(*vote));
  }
  return p;
}

Result<ViewChange> GetViewChange(const CodecContext& ctx, const pb::ViewChangeMsg& m) {
  ViewChange vc;
  vc.view = m.view();
  vc.sender = m.sender();
  auto stable = GetCheckpointCert(ctx, m.stable());
  if (!stable.ok()) return stable.status();
  vc.stable = std::move(*stable);
  for (const auto& pm : m.prepared()) {
    auto p = GetPrepared(ctx, pm);
    if (!p.ok()) return p.status();
    vc.prepared.push_back(std::move(*p));
  }
  vc.sig = m.sig();
  if (!Verified(ctx, vc.sender, vc.sig, ViewChangeStatement(ctx.chain_id, vc))) {
    return Status::Error("p2p.bad_signature", "view-change signature");
  }
  return vc;
}

}  // namespace

pb::CoreBlock ToWire(const Block& b) {
  pb::CoreBlock out;
  out.set_header(b.header);
  for (const auto& r : b.requests) {
    auto* m = out.add_requests();
    m->set_member(r.id.member);
    m->set_seq(r.id.seq);
    m->set_digest(r.digest.ToBytes());
    m->set_bytes(r.bytes);
  }
  return out;
}

Result<Block> FromWire(const pb::CoreBlock& b) {
  Block out;
  out.header = b.header();
  out.requests.reserve(static_cast<size_t>(b.requests_size()));
  for (const auto& r : b.requests()) {
    auto d = HashOf(r.digest());
    if (!d) return Bad("request digest");
    out.requests.push_back(RequestRef{RequestId{r.member(), r.seq()}, *d, r.bytes()});
  }
  return out;
}

Result<Block> CoreBlockOf(const Hasher& hasher, const pb::Block& block) {
  Block out;
  out.header = block.header();
  for (const auto& batch : block.batches()) {
    pb::BatchHeader h;
    if (!h.ParseFromString(batch.header())) return Bad("batch header");
    out.requests.push_back(RequestRef{RequestId{h.member(), h.batch_sequence()},
                                      MerkleLeafHash(hasher, BatchLeafData(batch)),
                                      static_cast<uint32_t>(batch.ByteSizeLong())});
  }
  return out;
}

pb::PeerMessage Encode(const CodecContext& ctx, const Message& msg) {
  pb::PeerMessage out;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, PrePrepare>) {
          auto* pp = out.mutable_pre_prepare();
          pp->set_view(m.view);
          pp->set_seq(m.seq);
          pp->set_digest(m.digest.ToBytes());
          *pp->mutable_block() = ToWire(m.block);
          pp->set_sender(m.sender);
          Bytes sig = m.sig;
          SignIfOwn(ctx, m.sender, sig, PrePrepareStatement(ctx.chain_id, m));
          pp->set_sig(std::move(sig));
        } else if constexpr (std::is_same_v<T, Vote>) {
          PutVote(ctx, m, out.mutable_vote());
        } else if constexpr (std::is_same_v<T, Checkpoint>) {
          PutCheckpoint(ctx, m, out.mutable_checkpoint());
        } else if constexpr (std::is_same_v<T, ViewChange>) {
          PutViewChange(ctx, m, out.mutable_view_change());
        } else {
          auto* nv = out.mutable_new_view();
          nv->set_view(m.view);
          nv->set_sender(m.sender);
          for (const auto& vc : m.view_changes) PutViewChange(ctx, vc, nv->add_view_changes());
          Bytes sig = m.sig;
          SignIfOwn(ctx, m.sender, sig, NewViewStatement(ctx.chain_id, m, *ctx.hasher));
          nv->set_sig(std::move(sig));
        }
      },
      msg);
  return out;
}

Result<Message> Decode(const CodecContext& ctx, ReplicaId from, const pb::PeerMessage& wire) {
  auto check_sender = [&](ReplicaId sender) -> Status {
    if (sender != from) return Status::Error("p2p.wrong_sender", "message sender is not the peer");
    return Status::Ok();
  };
  switch (wire.body_case()) {
    case pb::PeerMessage::kPrePrepare: {
      const auto& m = wire.pre_prepare();
      if (Status s = check_sender(m.sender()); !s.ok()) return s;
      auto d = HashOf(m.digest());
      auto b = FromWire(m.block());
      if (!d || !b.ok()) return Bad("pre-prepare fields");
      PrePrepare pp{m.view(), m.seq(), *d, std::move(*b), m.sender(), m.sig()};
      if (!Verified(ctx, pp.sender, pp.sig, PrePrepareStatement(ctx.chain_id, pp))) {
        return Status::Error("p2p.bad_signature", "pre-prepare signature");
      }
      return Message(std::move(pp));
    }
    case pb::PeerMessage::kVote: {
      if (Status s = check_sender(wire.vote().sender()); !s.ok()) return s;
      auto v = GetVote(ctx, wire.vote());
      if (!v.ok()) return v.status();
      return Message(std::move(*v));
    }
    case pb::PeerMessage::kCheckpoint: {
      if (Status s = check_sender(wire.checkpoint().sender()); !s.ok()) return s;
      auto c = GetCheckpoint(ctx, wire.checkpoint());
      if (!c.ok()) return c.status();
      return Message(std::move(*c));
    }
    case pb::PeerMessage::kViewChange: {
      if (Status s = check_sender(wire.view_change().sender()); !s.ok()) return s;
      auto vc = GetViewChange(ctx, wire.view_change());
      if (!vc.ok()) return vc.status();
      return Message(std::move(*vc));
    }
    case pb::PeerMessage::kNewView: {
      const auto& m = wire.new_view();
      if (Status s = check_sender(m.sender()); !s.ok()) return s;
      NewView nv;
      nv.view = m.view();
      nv.sender = m.sender();
      for (const auto& vcm : m.view_changes()) {
        auto vc = GetViewChange(ctx, vcm);
        if (!vc.ok()) return vc.status();
        nv.view_changes.push_back(std::move(*vc));
      }
      nv.sig = m.sig();
      if (!Verified(ctx, nv.sender, nv.sig, NewViewStatement(ctx.chain_id, nv, *ctx.hasher))) {
        return Status::Error("p2p.bad_signature", "new-view signature");
      }
      return Message(std::move(nv));
    }
    default:
      return Bad("not a consensus message");
  }
}

pb::WalRecord EncodeRecord(const CodecContext& ctx, const Record& record) {
  pb::WalRecord out;
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, PreparedCert>) {
          PutPrepared(ctx, r, out.mutable_prepared());
        } else if constexpr (std::is_same_v<T, CheckpointCert>) {
          PutCheckpointCert(ctx, r, out.mutable_stable());
        } else {
          *out.mutable_message() = Encode(ctx, Message(r));
        }
      },
      record);
  return out;
}

Result<Record> DecodeRecord(const CodecContext& ctx, const pb::WalRecord& record) {
  switch (record.record_case()) {
    case pb::WalRecord::kPrepared: {
      auto p = GetPrepared(ctx, record.prepared());
      if (!p.ok()) return p.status();
      return Record(std::move(*p));
    }
    case pb::WalRecord::kStable: {
      auto c = GetCheckpointCert(ctx, record.stable());
      if (!c.ok()) return c.status();
      return Record(std::move(*c));
    }
    case pb::WalRecord::kMessage: {
      const auto& m = record.message();
      ReplicaId sender = 0;
      switch (m.body_case()) {
        case pb::PeerMessage::kPrePrepare:
          sender = m.pre_prepare().sender();
          break;
        case pb::PeerMessage::kVote:
          sender = m.vote().sender();
          break;
        case pb::PeerMessage::kViewChange:
          sender = m.view_change().sender();
          break;
        case pb::PeerMessage::kNewView:
          sender = m.new_view().sender();
          break;
        default:
          return Bad("WAL record kind");
      }
      auto msg = Decode(ctx, sender, m);
      if (!msg.ok()) return msg.status();
      return std::visit(
          [](auto&& x) -> Result<Record> {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, Checkpoint>) {
              return Bad("checkpoint is not a WAL record");
            } else {
              return Record(std::move(x));
            }
          },
          std::move(*msg));
    }
    default:
      return Bad("empty WAL record");
  }
}

pb::CommitCertificate ToLedgerCert(const CodecContext& ctx, const CommitCert& cert) {
  pb::CommitCertificate out;
  out.set_height(cert.seq);
  out.set_view(cert.view);
  out.set_block_id(cert.digest.ToBytes());
  for (const auto& v : cert.commits) {
    Vote s = v;
    SignIfOwn(ctx, s.sender, s.sig, VoteStatement(ctx.chain_id, s));
    auto* vote = out.add_votes();
    vote->set_member(s.sender);
    vote->set_signature(std::move(s.sig));
  }
  return out;
}

Result<CommitCert> FromLedgerCert(const CodecContext& ctx, const pb::CommitCertificate& cert) {
  auto d = HashOf(cert.block_id());
  if (!d) return Bad("certificate block id");
  CommitCert out{cert.view(), cert.height(), *d, {}};
  for (const auto& v : cert.votes()) {
    Vote vote{Phase::kCommit, cert.view(), cert.height(), *d, v.member(), v.signature()};
    if (!Verified(ctx, vote.sender, vote.sig, VoteStatement(ctx.chain_id, vote))) {
      return Status::Error("p2p.bad_signature", "certificate vote signature");
    }
    out.commits.push_back(std::move(vote));
  }
  return out;
}

}  // namespace fapiao::consensus
