// Cluster: a minimal fault-free harness for core unit tests. It runs n Replicas
// over an in-memory FIFO network with a per-link drop filter, a manual virtual
// clock for timers, an in-memory ledger per replica, and it records what each
// replica executed, persisted and reported. Owns its replicas; single-threaded.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "consensus/core/certificates.h"
#include "consensus/core/replica.h"
#include "consensus/sim/fast_hasher.h"

namespace fapiao::consensus::test {

struct Cluster {
  struct Timer {
    uint64_t at = 0;
    ev::TimerFired fired;
    bool armed = false;
  };
  struct Node {
    std::unique_ptr<Replica> core;
    bool up = true;
    std::vector<Record> wal;
    std::vector<act::Execute> executed;
    std::vector<act::Evidence> evidence;
    std::vector<std::string> halts;
    std::vector<Message> sent;  // everything it sent (broadcast or not)
    std::map<TimerKind, Timer> timers;
    Hash root;
    ExecutedSet ledger_executed;
  };
  struct InFlight {
    ReplicaId from, to;
    Message msg;
  };

  explicit Cluster(uint32_t n, std::function<void(Config&)> tweak = {}) {
    for (ReplicaId i = 0; i < n; ++i) {
      Config c;
      c.n = n;
      c.self = i;
      c.checkpoint_interval = 4;
      c.window = 16;
      c.max_batch_count = 1;  // one request per block unless a test says otherwise
      if (tweak) tweak(c);
      cfg.push_back(c);
      nodes.emplace_back();
      nodes.back().core = std::make_unique<Replica>(c, hasher);
      Actions out;
      nodes.back().core->Start(out);
      Apply(i, out);
    }
  }

  void Step(ReplicaId i, const Event& e) {
    if (!nodes[i].up) return;
    Actions out;
    nodes[i].core->Step(e, out);
    Apply(i, out);
  }

  void Apply(ReplicaId i, Actions& out) {
    Node& n = nodes[i];
    for (Action& a : out) {
      if (auto* s = std::get_if<act::Send>(&a)) {
        n.sent.push_back(s->msg);
        net.push_back({i, s->to, s->msg});
      } else if (auto* b = std::get_if<act::Broadcast>(&a)) {
        n.sent.push_back(b->msg);
        for (ReplicaId j = 0; j < nodes.size(); ++j) {
          if (j != i) net.push_back({i, j, b->msg});
        }
      } else if (auto* p = std::get_if<act::Persist>(&a)) {
        n.wal.push_back(p->record);
      } else if (auto* t = std::get_if<act::StartTimer>(&a)) {
        n.timers[t->kind] = Timer{now + t->after, {t->kind, t->view, t->seq}, true};
      } else if (auto* c = std::get_if<act::CancelTimer>(&a)) {
        n.timers[c->kind].armed = false;
      } else if (auto* x = std::get_if<act::Execute>(&a)) {
        n.executed.push_back(*x);
        for (uint32_t k = 0; k < x->block.requests.size(); ++k) {
          if (std::find(x->duplicates.begin(), x->duplicates.end(), k) == x->duplicates.end()) {
            n.ledger_executed.Mark(x->block.requests[k].id);
          }
        }
        Bytes buf(n.root.view());
        buf.append(x->cert.digest.view());
        n.root = root_override ? root_override(i, x->seq) : hasher.Digest(buf);
        pending_exec.push_back({i, ev::BlockExecuted{x->seq, n.root}});
      } else if (auto* f = std::get_if<act::Fetch>(&a)) {
        fetches.push_back({i, *f});
      } else if (auto* e = std::get_if<act::Evidence>(&a)) {
        n.evidence.push_back(*e);
      } else if (auto* h = std::get_if<act::Halt>(&a)) {
        n.halts.push_back(h->reason);
      }
    }
  }

  // Delivers messages, execution results and fetches until nothing is left.
  void Run(size_t max_steps = 1000000) {
    for (size_t step = 0; step < max_steps; ++step) {
      if (!pending_exec.empty()) {
        auto [i, e] = pending_exec.front();
        pending_exec.pop_front();
        Step(i, e);
      } else if (!net.empty()) {
        InFlight m = std::move(net.front());
        net.pop_front();
        if (!nodes[m.to].up || (drop && drop(m.from, m.to, m.msg))) continue;
        Step(m.to, ev::Receive{m.from, &m.msg});
      } else if (!fetches.empty()) {
        auto [client, f] = fetches.front();
        fetches.pop_front();
        Node& server = nodes[f.peer];
        if (!server.up || (drop && drop(f.peer, client, Message{}))) continue;
        for (Seq s = f.from; s <= f.to && s <= server.executed.size(); ++s) {
          const act::Execute& x = server.executed[s - 1];
          Step(client, ev::BlockFetched{s, x.block, x.cert});
        }
      } else {
        return;
      }
    }
  }

  // Advances the clock to the next armed timer (of any replica) and fires it.
  bool FireNextTimer() {
    uint64_t best = UINT64_MAX;
    ReplicaId who = 0;
    TimerKind kind = TimerKind::kResend;
    for (ReplicaId i = 0; i < nodes.size(); ++i) {
      if (!nodes[i].up) continue;
      for (auto& [k, t] : nodes[i].timers) {
        if (t.armed && t.at < best) {
          best = t.at;
          who = i;
          kind = k;
        }
      }
    }
    if (best == UINT64_MAX) return false;
    now = best;
    Timer& t = nodes[who].timers[kind];
    t.armed = false;
    Step(who, t.fired);
    return true;
  }

  // Runs timers and messages until pred holds (or the step budget is spent).
  template <typename Pred>
  bool RunUntil(Pred pred, int max_timers = 2000) {
    Run();
    for (int k = 0; k < max_timers && !pred(); ++k) {
      if (!FireNextTimer()) break;
      Run();
    }
    return pred();
  }

  void Submit(const RequestRef& r) {
    for (ReplicaId i = 0; i < nodes.size(); ++i) Step(i, ev::RequestReady{r});
  }
  static RequestRef Req(uint32_t member, uint64_t seq) {
    RequestRef r;
    r.id = RequestId{member, seq};
    r.bytes = 100;
    r.digest.data()[0] = static_cast<uint8_t>(member);
    r.digest.data()[1] = static_cast<uint8_t>(seq);
    return r;
  }

  void Crash(ReplicaId i) {
    nodes[i].up = false;
    nodes[i].core.reset();
    nodes[i].timers.clear();
  }
  void Restart(ReplicaId i) {
    Node& n = nodes[i];
    n.up = true;
    n.core = std::make_unique<Replica>(cfg[i], hasher);
    Recovery r;
    r.wal = n.wal;
    r.last_executed = n.executed.size();
    r.last_root = n.root;
    r.executed = n.ledger_executed;
    Step(i, ev::Recovered{std::move(r)});
  }

  sim::FastHasher hasher;
  std::vector<Config> cfg;
  std::vector<Node> nodes;
  std::deque<InFlight> net;
  std::deque<std::pair<ReplicaId, ev::BlockExecuted>> pending_exec;
  std::deque<std::pair<ReplicaId, act::Fetch>> fetches;
  std::function<bool(ReplicaId from, ReplicaId to, const Message&)> drop;
  std::function<Hash(ReplicaId, Seq)> root_override;
  uint64_t now = 0;
};

}  // namespace fapiao::consensus::test
