#include "consensus/core/replica.h"

#include <algorithm>
#include <cassert>

namespace fapiao::consensus {

Replica::Replica(const Config& cfg, const Hasher& hasher)
    : cfg_(cfg),
      hasher_(hasher),
      null_digest_(BlockDigest(hasher, Block{})),
      vcs_(cfg.n),
      peer_view_(cfg.n, 0),
      peer_cp_(cfg.n, 0) {
  assert(cfg_.valid());
  pending_.reserve(std::min<size_t>(size_t{cfg_.window} * cfg_.max_batch_count, size_t{1} << 16));
  stable_.seq = 0;
  stable_.root = cfg_.genesis_root;
}

void Replica::Start(Actions& out) {
  out.push_back(act::StartTimer{TimerKind::kResend, 0, 0, cfg_.resend_interval});
}

void Replica::Step(const Event& event, Actions& out) {
  if (halted_) return;
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, ev::RequestReady>) {
          OnRequest(e.request, out);
        } else if constexpr (std::is_same_v<T, ev::Receive>) {
          if (e.msg != nullptr && e.from < cfg_.n && e.from != cfg_.self) {
            OnReceive(e.from, *e.msg, out);
          }
        } else if constexpr (std::is_same_v<T, ev::TimerFired>) {
          OnTimer(e, out);
        } else if constexpr (std::is_same_v<T, ev::BlockExecuted>) {
          OnExecuted(e, out);
        } else if constexpr (std::is_same_v<T, ev::BlockFetched>) {
          OnFetched(e, out);
        } else {
          OnRecovered(e.state, out);
        }
      },
      event);
}

void Replica::OnReceive(ReplicaId from, const Message& m, Actions& out) {
  std::visit(
      [&](const auto& msg) {
        using T = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<T, PrePrepare>) {
          OnPrePrepare(from, msg, out);
        } else if constexpr (std::is_same_v<T, Vote>) {
          OnVote(from, msg, out);
        } else if constexpr (std::is_same_v<T, Checkpoint>) {
          OnCheckpoint(from, msg, out);
        } else if constexpr (std::is_same_v<T, ViewChange>) {
          OnViewChange(from, msg, out);
        } else {
          OnNewView(from, msg, out);
        }
      },
      m);
}

void Replica::OnTimer(const ev::TimerFired& t, Actions& out) {
  switch (t.kind) {
    case TimerKind::kProposal:
      if (t.view != view_ || !proposal_timer_armed_) return;
      proposal_timer_armed_ = false;
      MaybePropose(true, out);
      return;
    case TimerKind::kRequest:
      if (t.view != view_ || in_view_change_ || !request_timer_armed_) return;
      request_timer_armed_ = false;
      OnRequestTimer(out);
      return;
    case TimerKind::kViewChange:
      if (t.view != view_ || !in_view_change_) return;
      OnViewChangeTimer(out);
      return;
    case TimerKind::kResend:
      Resend(out);
      return;
  }
}

uint64_t Replica::Backoff(uint64_t base) const {
  const uint32_t e = std::min(failed_view_changes_, cfg_.max_backoff_exponent);
  return base << e;
}

// ---------------------------------------------------------------- requests

void Replica::OnRequest(const RequestRef& r, Actions& out) {
  if (executed_.Contains(r.id) || pending_.count(r.id) > 0) return;
  pending_.emplace(r.id, Pending{r, next_order_++, false});
  queue_.push_back(r.id);
  ++unproposed_;
  if (!in_view_change_ && is_primary()) MaybePropose(false, out);
  ArmRequestTimer(out);
}

void Replica::ArmRequestTimer(Actions& out) {
  if (request_timer_armed_ || in_view_change_ || pending_.empty()) return;
  request_timer_armed_ = true;
  request_timer_mark_ = next_order_;
  out.push_back(act::StartTimer{TimerKind::kRequest, view_, 0, Backoff(cfg_.request_timeout)});
}

void Replica::DropStaleQueueFront() {
  while (!queue_.empty() && pending_.count(queue_.front()) == 0) {
    queue_.pop_front();
    if (scan_from_ > 0) --scan_from_;
  }
}

void Replica::OnRequestTimer(Actions& out) {
  DropStaleQueueFront();
  if (!queue_.empty() && pending_.at(queue_.front()).order < request_timer_mark_) {
    if (!request_probed_) {
      // Maybe the others committed it and we missed the tail: ask every peer for the
      // blocks past ours, and give it one more timeout before accusing the primary.
      request_probed_ = true;
      for (ReplicaId p = 0; p < cfg_.n; ++p) {
        if (p != cfg_.self) out.push_back(act::Fetch{p, last_exec_ + 1, last_exec_ + cfg_.window});
      }
      request_timer_armed_ = true;
      out.push_back(act::StartTimer{TimerKind::kRequest, view_, 0, Backoff(cfg_.request_timeout)});
      return;
    }
    // Known for two timeouts and still not committed: censorship or a dead primary.
    request_probed_ = false;
    StartViewChange(view_ + 1, out);
    return;
  }
  request_probed_ = false;
  ArmRequestTimer(out);
}

void Replica::MaybePropose(bool force, Actions& out) {
  if (in_view_change_ || !is_primary()) return;
  while (unproposed_ > 0 && next_seq_ <= h_ + cfg_.window) {
    if (!force && !proposal_due_ && unproposed_ < cfg_.max_batch_count) {
      if (!proposal_timer_armed_) {
        proposal_timer_armed_ = true;
        out.push_back(act::StartTimer{TimerKind::kProposal, view_, 0, cfg_.proposal_delay});
      }
      return;
    }
    if (cfg_.max_unexecuted_blocks > 0 && next_seq_ > last_done_ + cfg_.max_unexecuted_blocks) {
      proposal_due_ = true;  // proposed when execution catches up (OnExecuted)
      return;
    }
    proposal_due_ = false;
    DropStaleQueueFront();
    PrePrepare pp;
    pp.view = view_;
    pp.seq = next_seq_;
    pp.sender = cfg_.self;
    pp.block.requests.reserve(std::min<size_t>(unproposed_, cfg_.max_batch_count));
    uint64_t bytes = 0;
    size_t k = scan_from_;
    for (; k < queue_.size(); ++k) {
      if (pp.block.requests.size() >= cfg_.max_batch_count) break;
      auto it = pending_.find(queue_[k]);
      if (it == pending_.end() || it->second.proposed) continue;
      if (!pp.block.requests.empty() && bytes + it->second.ref.bytes > cfg_.max_batch_bytes) break;
      bytes += it->second.ref.bytes;
      it->second.proposed = true;
      --unproposed_;
      pp.block.requests.push_back(it->second.ref);
    }
    scan_from_ = k;
    if (pp.block.requests.empty()) return;
    ++next_seq_;
    if (header_source_ != nullptr) {
      pp.block.header = header_source_->HeaderFor(view_, pp.seq, pp.block.requests);
    }
    pp.digest = BlockDigest(hasher_, pp.block);
    // The primary never proposes two blocks for one (view, seq), also across a crash.
    out.push_back(act::Persist{pp});
    out.push_back(act::Broadcast{pp});
    AcceptPrePrepare(pp.seq, pp.digest, pp.block, out);
  }
}

// ---------------------------------------------------------------- normal case

Replica::Slot* Replica::SlotFor(Seq seq) {
  if (!InWindow(seq)) return nullptr;
  Slot& s = log_[seq];
  if (s.view != view_) {
    s.view = view_;
    s.has_pp = false;
    s.sent_prepare = false;
    s.sent_commit = false;
    s.block.requests.clear();
    s.tallies.clear();
  }
  return &s;
}

void Replica::NotePeerView(ReplicaId peer, View v, Actions& out) {
  if (v <= peer_view_[peer] || v > view_ + cfg_.max_view_jump) return;
  peer_view_[peer] = v;
  if (v <= view_) return;
  // f+1 peers have shown a higher view: at least one honest replica is there. Join the
  // highest view that f+1 of them have reached (a lone replica cannot drag us along).
  std::vector<View> ahead;
  for (ReplicaId p = 0; p < cfg_.n; ++p) {
    if (p != cfg_.self && peer_view_[p] > view_) ahead.push_back(peer_view_[p]);
  }
  if (ahead.size() < cfg_.f() + 1) return;
  std::nth_element(ahead.begin(), ahead.begin() + cfg_.f(), ahead.end(), std::greater<>());
  StartViewChange(ahead[cfg_.f()], out);
}

void Replica::OnPrePrepare(ReplicaId from, const PrePrepare& pp, Actions& out) {
  if (pp.sender != from || from != cfg_.primary(pp.view)) return;
  NotePeerView(from, pp.view, out);
  if (pp.view != view_ || in_view_change_) return;
  Slot* s = SlotFor(pp.seq);
  if (s == nullptr) return;
  if (s->has_pp) {
    if (s->digest != pp.digest) {
      out.push_back(act::Evidence{from, EvidenceKind::kEquivocatingPrimary, pp.view, pp.seq});
    }
    return;
  }
  if (BlockDigest(hasher_, pp.block) != pp.digest) {
    out.push_back(act::Evidence{from, EvidenceKind::kInvalidCertificate, pp.view, pp.seq});
    return;
  }
  AcceptPrePrepare(pp.seq, pp.digest, pp.block, out);
}

void Replica::AcceptPrePrepare(Seq seq, const Hash& digest, const Block& block, Actions& out) {
  Slot* s = SlotFor(seq);
  if (s == nullptr || s->has_pp) return;
  if (s->sent_prepare && s->prepare_digest != digest) return;  // voted otherwise before a crash
  s->has_pp = true;
  s->digest = digest;
  s->block = block;
  SendVote(Phase::kPrepare, seq, digest, out);
  CheckSlot(seq, out);
}

void Replica::SendVote(Phase phase, Seq seq, const Hash& digest, Actions& out) {
  Slot* s = SlotFor(seq);
  if (s == nullptr) return;
  bool& sent = phase == Phase::kPrepare ? s->sent_prepare : s->sent_commit;
  if (sent) return;  // one vote per (view, seq, phase), whatever else happens
  Vote v;
  v.phase = phase;
  v.view = view_;
  v.seq = seq;
  v.digest = digest;
  v.sender = cfg_.self;
  sent = true;
  (phase == Phase::kPrepare ? s->prepare_digest : s->commit_digest) = digest;
  out.push_back(act::Persist{v});
  out.push_back(act::Broadcast{v});
  AddVote(v, out);
}

bool Replica::AddVote(const Vote& v, Actions& out) {
  Slot* s = SlotFor(v.seq);
  if (s == nullptr) return false;
  const uint64_t bit = uint64_t{1} << v.sender;
  Tally* match = nullptr;
  for (Tally& t : s->tallies) {
    if (t.phase != v.phase) continue;
    if (t.mask & bit) {
      if (t.digest != v.digest) {
        out.push_back(act::Evidence{v.sender, EvidenceKind::kConflictingVote, v.view, v.seq});
      }
      return false;
    }
    if (t.digest == v.digest) match = &t;
  }
  if (match == nullptr) {
    s->tallies.push_back(Tally{v.phase, v.digest, 0, {}});
    match = &s->tallies.back();
    match->votes.reserve(cfg_.n);
  }
  match->mask |= bit;
  match->votes.push_back(v);
  return true;
}

void Replica::OnVote(ReplicaId from, const Vote& v, Actions& out) {
  if (v.sender != from) return;
  NotePeerView(from, v.view, out);
  if (v.view != view_ || in_view_change_ || !InWindow(v.seq)) {
    if (v.phase == Phase::kCommit) NoteForeignCommit(v, out);
    if (v.view != view_ || !InWindow(v.seq)) return;
  }
  if (!AddVote(v, out)) return;
  CheckSlot(v.seq, out);
}

void Replica::NoteForeignCommit(const Vote& v, Actions& out) {
  if (v.seq <= last_exec_ || v.seq > last_exec_ + 4 * Seq{cfg_.window}) return;
  std::vector<ForeignCommits>& tallies = foreign_[v.seq];
  ForeignCommits* match = nullptr;
  for (ForeignCommits& t : tallies) {
    if (t.view == v.view && t.digest == v.digest) match = &t;
  }
  if (match == nullptr) {
    if (tallies.size() >= 2 * cfg_.n) return;  // bounded whatever Byzantine peers send
    tallies.push_back(ForeignCommits{v.view, v.digest, 0});
    match = &tallies.back();
  }
  match->mask |= uint64_t{1} << v.sender;
  // f+1 COMMITs: an honest replica prepared it, so it is (about to be) committed. The
  // fetched block must still come with a full certificate.
  if (static_cast<uint32_t>(std::popcount(match->mask)) >= cfg_.f() + 1) {
    RequestFetch(v.seq, v.sender, out);
  }
}

void Replica::CheckSlot(Seq seq, Actions& out) {
  Slot* s = SlotFor(seq);
  if (s == nullptr) return;
  const uint32_t q = cfg_.quorum();
  for (size_t i = 0; i < s->tallies.size(); ++i) {
    Tally& t = s->tallies[i];
    const auto votes = static_cast<uint32_t>(std::popcount(t.mask));
    if (t.phase == Phase::kCommit && votes >= cfg_.f() + 1 && votes < q && !s->committed &&
        seq > last_exec_ && !(s->has_pp && s->digest == t.digest)) {
      // Others are committing a proposal we never saw: fetch it (certified) from one of them.
      RequestFetch(
          seq, static_cast<ReplicaId>(std::countr_zero(t.mask & ~(uint64_t{1} << cfg_.self))), out);
    }
    if (votes < q) continue;
    if (t.phase == Phase::kPrepare && s->has_pp && t.digest == s->digest && !s->sent_commit) {
      PreparedCert pc{view_, seq, t.digest, s->block, t.votes};
      out.push_back(act::Persist{pc});  // needed by a later VIEW-CHANGE, also after a crash
      s->prepared = std::move(pc);
      SendVote(Phase::kCommit, seq, s->digest, out);
      s = SlotFor(seq);             // SendVote may have grown tallies
      i = static_cast<size_t>(-1);  // rescan: our own commit may complete a quorum
      continue;
    }
    if (t.phase == Phase::kCommit && !s->committed && seq > last_exec_) {
      const Block* block = nullptr;
      if (s->has_pp && s->digest == t.digest) {
        block = &s->block;
      } else if (s->prepared && s->prepared->digest == t.digest) {
        block = &s->prepared->block;
      }
      if (block == nullptr) {
        // Certified elsewhere, but we never saw the proposal: fetch it.
        ReplicaId peer =
            static_cast<ReplicaId>(std::countr_zero(t.mask & ~(uint64_t{1} << cfg_.self)));
        if (peer < cfg_.n) RequestFetch(seq, peer, out);
        continue;
      }
      s->committed = true;
      s->committed_block = *block;
      s->cert = CommitCert{view_, seq, t.digest, t.votes};
      TryExecute(out);
      return;
    }
  }
}

// ---------------------------------------------------------------- execution

void Replica::TryExecute(Actions& out) {
  bool any = false;
  for (;;) {
    const Seq next = last_exec_ + 1;
    act::Execute ex;
    ex.seq = next;
    auto f = fetched_.find(next);
    auto l = log_.find(next);
    if (l != log_.end() && l->second.committed) {
      ex.block = l->second.committed_block;
      ex.cert = l->second.cert;
      if (l->second.cert.view == view_ && !in_view_change_) failed_view_changes_ = 0;
    } else if (f != fetched_.end()) {
      ex.block = std::move(f->second.block);
      ex.cert = std::move(f->second.cert);
    } else {
      break;
    }
    if (f != fetched_.end()) fetched_.erase(f);
    for (uint32_t i = 0; i < ex.block.requests.size(); ++i) {
      const RequestId& id = ex.block.requests[i].id;
      if (!executed_.Mark(id)) {
        ex.duplicates.push_back(i);
        continue;
      }
      auto p = pending_.find(id);
      if (p != pending_.end()) {
        if (!p->second.proposed) --unproposed_;
        pending_.erase(p);
      }
    }
    last_exec_ = next;
    foreign_.erase(foreign_.begin(), foreign_.upper_bound(last_exec_));
    any = true;
    out.push_back(std::move(ex));
  }
  if (any) {
    progressed_ = true;
    request_probed_ = false;
    if (!in_view_change_ && is_primary()) MaybePropose(false, out);
  }
}

std::string Replica::DescribeSlot(Seq seq) const {
  std::string out = "slot " + std::to_string(seq);
  auto it = log_.find(seq);
  if (it == log_.end()) return out + " (none; fetch target " + std::to_string(fetch_target_) + ")";
  const Slot& s = it->second;
  out += " view " + std::to_string(s.view) +
         (s.has_pp ? " pp " + s.digest.ToHex().substr(0, 8) : "") +
         (s.sent_prepare ? " prepared-vote" : "") + (s.sent_commit ? " commit-vote" : "") +
         (s.committed ? " committed" : "") + " fetch-target " + std::to_string(fetch_target_);
  for (const Tally& t : s.tallies) {
    out += (t.phase == Phase::kPrepare ? " P:" : " C:") + t.digest.ToHex().substr(0, 8) + "/" +
           std::to_string(std::popcount(t.mask));
  }
  return out;
}

// ---------------------------------------------------------------- resend

void Replica::Resend(Actions& out) {
  // Back off while nothing changes, so an idle chain is quiet; reset on progress.
  if (progressed_) resend_idle_ = 0;
  progressed_ = false;
  const uint64_t next = cfg_.resend_interval << std::min<uint32_t>(resend_idle_, 4);
  ++resend_idle_;
  out.push_back(act::StartTimer{TimerKind::kResend, 0, 0, next});
  if (in_view_change_) {
    if (my_vc_) out.push_back(act::Broadcast{*my_vc_});
  } else {
    for (auto& [seq, s] : log_) {
      if (s.view != view_) continue;
      if (s.has_pp && is_primary()) {
        out.push_back(act::Broadcast{PrePrepare{view_, seq, s.digest, s.block, cfg_.self, {}}});
      }
      if (s.sent_prepare) {
        out.push_back(
            act::Broadcast{Vote{Phase::kPrepare, view_, seq, s.prepare_digest, cfg_.self, {}}});
      }
      if (s.sent_commit) {
        out.push_back(
            act::Broadcast{Vote{Phase::kCommit, view_, seq, s.commit_digest, cfg_.self, {}}});
      }
    }
  }
  if (my_checkpoint_) out.push_back(act::Broadcast{*my_checkpoint_});
  if (fetch_target_ > last_exec_) {
    fetch_peer_ = (fetch_peer_ + 1) % cfg_.n;
    if (fetch_peer_ == cfg_.self) fetch_peer_ = (fetch_peer_ + 1) % cfg_.n;
    const Seq to = std::min<Seq>(fetch_target_, last_exec_ + cfg_.max_fetch_blocks);
    out.push_back(act::Fetch{fetch_peer_, last_exec_ + 1, to});
  }
}

}  // namespace fapiao::consensus
