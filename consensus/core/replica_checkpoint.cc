// Checkpoints, stability and garbage collection, catch-up by fetching certified
// blocks, recovery from the WAL, and halting on a result-root mismatch.
#include <algorithm>

#include "consensus/core/replica.h"

namespace fapiao::consensus {

void Replica::Halt(std::string reason, Actions& out) {
  halted_ = true;
  out.push_back(act::Halt{std::move(reason)});
}

void Replica::OnExecuted(const ev::BlockExecuted& e, Actions& out) {
  if (e.seq == 0 || e.seq > last_exec_) return;
  progressed_ = true;
  if (e.seq == stable_.seq && e.root != stable_.root) {
    Halt("result root at " + std::to_string(e.seq) + " differs from the stable checkpoint", out);
    return;
  }
  if (e.seq > last_done_) {
    last_done_ = e.seq;
    if (proposal_due_ && !in_view_change_ && is_primary()) MaybePropose(false, out);
  }
  if (e.seq % cfg_.checkpoint_interval != 0 || e.seq <= h_) return;
  my_roots_[e.seq] = e.root;
  Checkpoint cp{e.seq, e.root, cfg_.self, {}};
  my_checkpoint_ = cp;
  out.push_back(act::Broadcast{cp});
  OnCheckpoint(cfg_.self, cp, out);
}

void Replica::OnCheckpoint(ReplicaId from, const Checkpoint& c, Actions& out) {
  if (c.sender != from || c.seq == 0 || c.seq % cfg_.checkpoint_interval != 0) return;
  if (from != cfg_.self && c.seq > peer_cp_[from]) {
    peer_cp_[from] = c.seq;
    CheckLag(out);
    if (halted_) return;
  }
  // Bounded memory: only seqs reasonably close to where we are.
  if (c.seq <= h_ || c.seq > std::max(h_, last_exec_) + 16 * Seq{cfg_.window}) return;
  std::vector<Checkpoint>& votes = cp_votes_[c.seq];
  for (const Checkpoint& v : votes) {
    if (v.sender == from) {
      if (v.root != c.root) {
        out.push_back(act::Evidence{from, EvidenceKind::kConflictingCheckpoint, 0, c.seq});
      }
      return;
    }
  }
  votes.push_back(c);
  CheckpointCert cert{c.seq, c.root, {}};
  for (const Checkpoint& v : votes) {
    if (v.root == c.root) cert.votes.push_back(v);
  }
  if (cert.votes.size() >= cfg_.quorum()) MakeStable(cert, out);
}

void Replica::MakeStable(const CheckpointCert& cert, Actions& out) {
  if (cert.seq <= h_) return;
  auto mine = my_roots_.find(cert.seq);
  if (mine != my_roots_.end() && mine->second != cert.root) {
    // A quorum executed the same prefix to a different state: we must not fork.
    Halt("result root at " + std::to_string(cert.seq) + " differs from the stable checkpoint", out);
    return;
  }
  h_ = cert.seq;
  stable_ = cert;
  out.push_back(act::Persist{cert});
  out.push_back(act::Stable{cert});
  log_.erase(log_.begin(), log_.upper_bound(h_));
  cp_votes_.erase(cp_votes_.begin(), cp_votes_.upper_bound(h_));
  my_roots_.erase(my_roots_.begin(), my_roots_.lower_bound(h_));
  if (my_checkpoint_ && my_checkpoint_->seq < h_) my_checkpoint_.reset();
  next_seq_ = std::max(next_seq_, h_ + 1);
  if (last_exec_ < h_) {
    ReplicaId peer = cert.votes.empty() ? (cfg_.self + 1) % cfg_.n : cert.votes.front().sender;
    if (peer == cfg_.self && cert.votes.size() > 1) peer = cert.votes[1].sender;
    RequestFetch(h_, peer, out);
  }
  MaybePropose(false, out);
}

void Replica::CheckLag(Actions& out) {
  // The (f+1)-th highest checkpoint a peer claims: at least one honest replica has it.
  std::vector<Seq> seqs;
  seqs.reserve(cfg_.n);
  for (ReplicaId p = 0; p < cfg_.n; ++p) {
    if (p != cfg_.self) seqs.push_back(peer_cp_[p]);
  }
  if (seqs.size() < cfg_.f() + 1) return;
  std::nth_element(seqs.begin(), seqs.begin() + cfg_.f(), seqs.end(), std::greater<>());
  const Seq target = seqs[cfg_.f()];
  if (target <= last_exec_ || target <= fetch_target_) return;
  ReplicaId peer = 0;
  for (ReplicaId p = 0; p < cfg_.n; ++p) {
    if (p != cfg_.self && peer_cp_[p] >= target) {
      peer = p;
      break;
    }
  }
  RequestFetch(target, peer, out);
}

void Replica::RequestFetch(Seq to, ReplicaId peer, Actions& out) {
  if (to <= last_exec_ || to <= fetch_target_ || peer == cfg_.self || peer >= cfg_.n) return;
  fetch_target_ = to;
  fetch_peer_ = peer;
  out.push_back(
      act::Fetch{peer, last_exec_ + 1, std::min<Seq>(to, last_exec_ + cfg_.max_fetch_blocks)});
}

void Replica::OnFetched(const ev::BlockFetched& f, Actions& out) {
  if (f.seq <= last_exec_ || f.seq > std::max(fetch_target_, h_ + cfg_.window)) return;
  if (fetched_.count(f.seq) > 0) return;
  if (f.cert.seq != f.seq || !ValidCommitCert(cfg_, f.cert) ||
      BlockDigest(hasher_, f.block) != f.cert.digest) {
    return;  // a bad answer proves nothing about who forged it; ask someone else later
  }
  const Seq before = last_exec_;
  fetched_.emplace(f.seq, Fetched{f.block, f.cert});
  TryExecute(out);
  if (last_exec_ > before && fetched_.empty() && fetch_target_ > last_exec_ &&
      (last_exec_ - before) % cfg_.max_fetch_blocks == 0) {
    // A full chunk arrived: ask for the next one right away.
    out.push_back(act::Fetch{fetch_peer_, last_exec_ + 1,
                             std::min<Seq>(fetch_target_, last_exec_ + cfg_.max_fetch_blocks)});
  }
}

void Replica::OnRecovered(const Recovery& r, Actions& out) {
  last_exec_ = r.last_executed;
  last_done_ = r.last_executed;
  executed_ = r.executed;
  View max_view = 0;
  for (const Record& rec : r.wal) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, CheckpointCert>) {
            if (x.seq > stable_.seq) stable_ = x;
          } else if constexpr (std::is_same_v<T, PreparedCert>) {
            max_view = std::max(max_view, x.view);
          } else {
            max_view = std::max(max_view, x.view);
          }
        },
        rec);
  }
  h_ = stable_.seq;
  view_ = max_view;
  bool installed = view_ == 0;
  const NewView* nv = nullptr;
  for (const Record& rec : r.wal) {
    if (const auto* x = std::get_if<NewView>(&rec); x && x->view == view_) {
      installed = true;
      nv = x;
    }
    if (const auto* x = std::get_if<Vote>(&rec); x && x->view == view_) installed = true;
    if (const auto* x = std::get_if<PrePrepare>(&rec); x && x->view == view_) installed = true;
    if (const auto* x = std::get_if<ViewChange>(&rec); x && x->view == view_) my_vc_ = *x;
  }
  in_view_change_ = !installed;
  if (installed) my_vc_.reset();
  if (my_vc_) vcs_[cfg_.self] = my_vc_;
  if (nv != nullptr) {
    if (auto plan = PlanNewView(cfg_, hasher_, *nv)) {
      for (const Reproposal& p : plan->proposals) {
        Slot* s = SlotFor(p.seq);
        if (s == nullptr) continue;
        s->has_pp = true;
        s->digest = p.digest;
        s->block = p.block;
        next_seq_ = std::max(next_seq_, p.seq + 1);
      }
    }
    if (nv->sender == cfg_.self) my_new_view_ = *nv;
  }
  for (const Record& rec : r.wal) {
    if (const auto* p = std::get_if<PreparedCert>(&rec)) {
      Slot* s = SlotFor(p->seq);
      if (s != nullptr && (!s->prepared || s->prepared->view < p->view)) s->prepared = *p;
    } else if (const auto* pp = std::get_if<PrePrepare>(&rec); pp && pp->view == view_) {
      Slot* s = SlotFor(pp->seq);
      next_seq_ = std::max(next_seq_, pp->seq + 1);
      if (s != nullptr && !s->has_pp) {
        s->has_pp = true;
        s->digest = pp->digest;
        s->block = pp->block;
      }
    } else if (const auto* v = std::get_if<Vote>(&rec); v && v->view == view_) {
      Slot* s = SlotFor(v->seq);
      if (s == nullptr) continue;
      if (v->phase == Phase::kPrepare) {
        s->sent_prepare = true;
        s->prepare_digest = v->digest;
      } else {
        s->sent_commit = true;
        s->commit_digest = v->digest;
      }
      AddVote(*v, out);
    }
  }
  next_seq_ = std::max({next_seq_, h_ + 1, last_exec_ + 1});
  if (last_exec_ < h_) fetch_target_ = h_;
  if (in_view_change_ && my_vc_) {
    out.push_back(act::Broadcast{*my_vc_});
    out.push_back(
        act::StartTimer{TimerKind::kViewChange, view_, 0, Backoff(cfg_.view_change_timeout)});
  }
  Resend(out);
}

}  // namespace fapiao::consensus
