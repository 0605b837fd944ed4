// View change: VIEW-CHANGE with prepared certificates, NEW-VIEW from a quorum of
// them, joining on f+1, and back-off on failed view changes (docs/consensus.md).
#include <algorithm>

#include "consensus/core/replica.h"

namespace fapiao::consensus {

void Replica::StartViewChange(View v, Actions& out) {
  if (v <= view_) return;
  view_ = v;
  in_view_change_ = true;
  ++failed_view_changes_;
  my_new_view_.reset();
  ViewChange vc;
  vc.view = v;
  vc.sender = cfg_.self;
  vc.stable = stable_;
  for (const auto& [seq, s] : log_) {
    if (seq > h_ && s.prepared) vc.prepared.push_back(*s.prepared);
  }
  my_vc_ = vc;
  vcs_[cfg_.self] = vc;
  if (proposal_timer_armed_) out.push_back(act::CancelTimer{TimerKind::kProposal});
  if (request_timer_armed_) out.push_back(act::CancelTimer{TimerKind::kRequest});
  proposal_timer_armed_ = false;
  proposal_due_ = false;
  request_timer_armed_ = false;
  out.push_back(act::Persist{vc});  // the view we left is never re-entered after a crash
  out.push_back(act::Broadcast{std::move(vc)});
  out.push_back(act::StartTimer{TimerKind::kViewChange, v, 0, Backoff(cfg_.view_change_timeout)});
  TryNewView(out);
}

void Replica::OnViewChangeTimer(Actions& out) {
  // Move on only if a quorum really is changing view (the primary of view_ failed us);
  // a replica cut off alone keeps asking for the same view instead of racing ahead.
  uint32_t with_us = 0;
  for (const auto& vc : vcs_) {
    if (vc && vc->view >= view_) ++with_us;
  }
  if (with_us >= cfg_.quorum()) {
    StartViewChange(view_ + 1, out);
    return;
  }
  if (my_vc_) out.push_back(act::Broadcast{*my_vc_});
  out.push_back(
      act::StartTimer{TimerKind::kViewChange, view_, 0, Backoff(cfg_.view_change_timeout)});
}

void Replica::OnViewChange(ReplicaId from, const ViewChange& vc, Actions& out) {
  if (vc.sender != from) return;
  if (vc.view <= view_ && !in_view_change_) {
    // A laggard asks for a view we are already in: hand it our NEW-VIEW.
    if (my_new_view_ && vc.view <= view_) out.push_back(act::Send{from, *my_new_view_});
    return;
  }
  if (vc.view < view_ || vc.view > view_ + cfg_.max_view_jump) return;
  if (vcs_[from] && vcs_[from]->view >= vc.view) return;
  if (!ValidViewChange(cfg_, hasher_, vc)) {
    out.push_back(act::Evidence{from, EvidenceKind::kInvalidCertificate, vc.view, 0});
    return;
  }
  vcs_[from] = vc;
  NotePeerView(from, vc.view, out);
  if (in_view_change_) TryNewView(out);
}

void Replica::TryNewView(Actions& out) {
  if (!in_view_change_ || cfg_.primary(view_) != cfg_.self) return;
  NewView nv;
  nv.view = view_;
  nv.sender = cfg_.self;
  for (const auto& vc : vcs_) {
    if (vc && vc->view == view_) nv.view_changes.push_back(*vc);
  }
  if (nv.view_changes.size() < cfg_.quorum()) return;
  auto plan = PlanNewView(cfg_, hasher_, nv);
  if (!plan) return;  // unreachable: every VIEW-CHANGE was validated on receipt
  out.push_back(act::Persist{nv});
  out.push_back(act::Broadcast{nv});
  InstallNewView(nv, *plan, out);
  my_new_view_ = std::move(nv);
}

void Replica::OnNewView(ReplicaId from, const NewView& nv, Actions& out) {
  if (nv.sender != from || from != cfg_.primary(nv.view)) return;
  if (nv.view < view_ || (nv.view == view_ && !in_view_change_)) return;
  auto plan = PlanNewView(cfg_, hasher_, nv);
  if (!plan) {
    out.push_back(act::Evidence{from, EvidenceKind::kInvalidCertificate, nv.view, 0});
    return;
  }
  out.push_back(act::Persist{nv});
  InstallNewView(nv, *plan, out);
}

void Replica::InstallNewView(const NewView& nv, const NewViewPlan& plan, Actions& out) {
  if (in_view_change_) out.push_back(act::CancelTimer{TimerKind::kViewChange});
  // Timers armed in an older view carry its tag and will be ignored: re-arm them below.
  request_timer_armed_ = false;
  proposal_timer_armed_ = false;
  proposal_due_ = false;
  view_ = nv.view;
  in_view_change_ = true;  // no proposals while the stable checkpoint moves
  my_vc_.reset();
  for (auto& vc : vcs_) {
    if (vc && vc->view <= view_) vc.reset();
  }
  if (plan.stable->seq > h_) MakeStable(*plan.stable, out);
  if (halted_) return;
  in_view_change_ = false;

  // Fresh proposal bookkeeping: requests in re-proposed blocks are in flight again,
  // every other pending request may be proposed by the new primary.
  unproposed_ = 0;
  scan_from_ = 0;
  for (auto& [id, p] : pending_) {
    p.proposed = false;
    ++unproposed_;
  }
  for (const Reproposal& r : plan.proposals) {
    for (const RequestRef& ref : r.block.requests) {
      auto it = pending_.find(ref.id);
      if (it != pending_.end() && !it->second.proposed) {
        it->second.proposed = true;
        --unproposed_;
      }
    }
  }
  Seq last = plan.stable->seq;
  for (const Reproposal& r : plan.proposals) {
    last = r.seq;
    if (r.seq <= h_) continue;
    AcceptPrePrepare(r.seq, r.digest, r.block, out);
    if (halted_) return;
  }
  next_seq_ = std::max({last, h_, last_exec_}) + 1;
  ArmRequestTimer(out);
  MaybePropose(false, out);
}

}  // namespace fapiao::consensus
