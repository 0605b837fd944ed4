#include "consensus/sim/simulator.h"

#include <algorithm>
#include <array>
#include <memory>
#include <random>
#include <sstream>

#include "consensus/core/certificates.h"
#include "consensus/core/replica.h"
#include "consensus/sim/byzantine.h"
#include "consensus/sim/checker.h"
#include "consensus/sim/fast_hasher.h"

namespace fapiao::consensus::sim {
namespace {

enum class EvType : uint8_t {
  kDeliver,
  kTimer,
  kSubmit,
  kExecuted,
  kFetched,
  kCrash,
  kRestart,
  kPartition,
  kHeal,
  kStabilize,
  kResubmit
};

struct SimEvent {
  uint64_t time = 0;
  uint64_t order = 0;
  EvType type = EvType::kDeliver;
  ReplicaId node = 0;
  ReplicaId from = 0;
  uint64_t incarnation = 0;
  uint64_t tag = 0;  // timer generation, partition id
  MsgPtr msg;
  ev::TimerFired timer;
  RequestRef request;
  Hash root;
  Seq seq = 0;
  std::shared_ptr<const ev::BlockFetched> fetched;
};

struct Later {
  bool operator()(const SimEvent& a, const SimEvent& b) const {
    return a.time != b.time ? a.time > b.time : a.order > b.order;
  }
};

struct Node {
  std::unique_ptr<Replica> core;
  std::unique_ptr<ByzantineShell> byz;
  bool up = true;
  uint64_t incarnation = 0;
  std::array<uint64_t, kTimerKinds> timer_gen{};
  uint64_t slow = 1;
  // Durable state: the WAL and the ledger survive a crash.
  std::vector<Record> wal;
  std::vector<ev::BlockFetched> blocks;  // index seq - 1: block with its certificate
  Hash root;
  ExecutedSet executed;
};

const char* TypeName(const Message& m) {
  static constexpr const char* kNames[] = {"PRE-PREPARE", "VOTE", "CHECKPOINT", "VIEW-CHANGE",
                                           "NEW-VIEW"};
  return kNames[m.index()];
}

Seq RecordSeq(const Record& r) {
  if (const auto* p = std::get_if<PrePrepare>(&r)) return p->seq;
  if (const auto* v = std::get_if<Vote>(&r)) return v->seq;
  if (const auto* c = std::get_if<PreparedCert>(&r)) return c->seq;
  return ~Seq{0};
}

class Simulation {
 public:
  explicit Simulation(const SimOptions& o);
  SimResult Run();

 private:
  uint64_t Rand(uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  bool Chance(double p) { return static_cast<double>(rng_() >> 11) * 0x1.0p-53 < p; }
  bool Faulty() const { return now_ < opt_.stabilize_at; }
  SimEvent NewEvent(uint64_t at, EvType type, ReplicaId node) {
    SimEvent e;
    e.time = at;
    e.order = next_order_++;
    e.type = type;
    e.node = node;
    return e;
  }
  void Push(SimEvent&& e) {
    heap_.push_back(std::move(e));
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }
  SimEvent Pop() {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    SimEvent e = std::move(heap_.back());
    heap_.pop_back();
    return e;
  }
  uint64_t Delay(ReplicaId a, ReplicaId b);
  void Send(ReplicaId from, ReplicaId to, const MsgPtr& msg);
  void Transmit(ReplicaId from, ReplicaId to, const MsgPtr& msg);
  void Dispatch(ReplicaId i, const Event& e);
  void Apply(ReplicaId i, Action& a);
  void Execute(ReplicaId i, const act::Execute& ex);
  void ServeFetch(ReplicaId server, ReplicaId client, Seq from, Seq to);
  void MakeCore(ReplicaId i);
  void Trace(const std::string& line);
  void Schedule();

  SimOptions opt_;
  Config cfg_;
  FastHasher hasher_;
  std::mt19937_64 rng_;
  std::vector<Node> nodes_;
  std::vector<bool> byz_;
  std::unique_ptr<Checker> checker_;
  std::vector<SimEvent> heap_;  // min-heap on (time, order)
  uint64_t next_order_ = 0;
  uint64_t now_ = 0;
  uint64_t steps_ = 0;
  std::vector<uint8_t> side_;
  uint64_t partition_id_ = 0;
  double loss_ = 0, dup_ = 0;
  uint64_t jitter_ = 0;
  Actions actions_;
  std::vector<MsgPtr> rewritten_;
  std::vector<RequestRef> all_requests_;
  std::vector<std::string> trace_;
};

Simulation::Simulation(const SimOptions& o) : opt_(o), rng_(o.seed * 0x9e3779b97f4a7c15ULL + 7) {
  cfg_.n = o.n;
  cfg_.checkpoint_interval = 4;
  cfg_.window = 16;
  cfg_.max_batch_count = o.max_batch;
  cfg_.proposal_delay = 2;
  // Seeds run the primary without a limit on unexecuted blocks (node default 1) and with 1 or 2.
  cfg_.max_unexecuted_blocks = static_cast<uint32_t>(o.seed % 3);
  cfg_.request_timeout = 150;
  cfg_.view_change_timeout = 150;
  cfg_.resend_interval = 60;
  cfg_.max_fetch_blocks = 64;
  const uint32_t f = MaxFaulty(o.n);
  const uint32_t k =
      o.byzantine >= 0 ? static_cast<uint32_t>(o.byzantine) : (o.faults.byzantine ? f : 0);
  byz_.assign(o.n, false);
  for (uint32_t placed = 0; placed < std::min(k, o.n);) {
    const ReplicaId r = static_cast<ReplicaId>(Rand(o.n));
    if (!byz_[r]) {
      byz_[r] = true;
      ++placed;
    }
  }
  nodes_.resize(o.n);
  for (ReplicaId i = 0; i < o.n; ++i) {
    nodes_[i].root = cfg_.genesis_root;
    if (byz_[i]) {
      // Beyond f, Byzantine replicas collude by equivocating; up to f, each gets a behaviour.
      const ByzKind kind = k > f ? ByzKind::kEquivocate : static_cast<ByzKind>(Rand(5));
      Config c = cfg_;
      c.self = i;
      nodes_[i].byz = std::make_unique<ByzantineShell>(kind, c, hasher_);
    }
  }
  if (o.faults.slow) nodes_[Rand(o.n)].slow = 4;
  checker_ = std::make_unique<Checker>(cfg_, hasher_, byz_);
  side_.assign(o.n, 0);
  if (o.faults.loss) loss_ = 0.02 + 0.2 * static_cast<double>(Rand(100)) / 100.0;
  if (o.faults.dup) dup_ = 0.05 + 0.2 * static_cast<double>(Rand(100)) / 100.0;
  jitter_ = o.faults.reorder ? 10 + Rand(60) : 0;
}

void Simulation::Trace(const std::string& line) {
  std::ostringstream s;
  s << "t=" << now_ << " " << line;
  trace_.push_back(s.str());
}

void Simulation::MakeCore(ReplicaId i) {
  Config c = cfg_;
  c.self = i;
  nodes_[i].core = std::make_unique<Replica>(c, hasher_);
}

uint64_t Simulation::Delay(ReplicaId a, ReplicaId b) {
  uint64_t d = 1 + Rand(4);
  if (jitter_ > 0 && Faulty()) d += Rand(jitter_);
  return d * std::max(nodes_[a].slow, nodes_[b].slow);
}

void Simulation::Transmit(ReplicaId from, ReplicaId to, const MsgPtr& msg) {
  if (Faulty()) {
    if (side_[from] != side_[to]) return;
    if (loss_ > 0 && Chance(loss_)) return;
  }
  SimEvent e = NewEvent(now_ + Delay(from, to), EvType::kDeliver, to);
  e.from = from;
  e.msg = msg;
  Push(std::move(e));
  if (Faulty() && dup_ > 0 && Chance(dup_)) {
    SimEvent d = NewEvent(now_ + Delay(from, to) + Rand(20), EvType::kDeliver, to);
    d.from = from;
    d.msg = msg;
    Push(std::move(d));
  }
  if (opt_.faults.byzantine && Chance(0.003)) {  // the network replays an old message much later
    SimEvent r = NewEvent(now_ + 200 + Rand(3000), EvType::kDeliver, to);
    r.from = from;
    r.msg = msg;
    Push(std::move(r));
  }
}

void Simulation::Send(ReplicaId from, ReplicaId to, const MsgPtr& msg) {
  if (opt_.trace)
    Trace("send " + std::to_string(from) + "->" + std::to_string(to) + " " + TypeName(*msg));
  if (!nodes_[from].byz) {
    Transmit(from, to, msg);
    return;
  }
  rewritten_.clear();
  nodes_[from].byz->Rewrite(msg, to, rng_, rewritten_);
  for (const MsgPtr& m : rewritten_) Transmit(from, to, m);
}

void Simulation::ServeFetch(ReplicaId server, ReplicaId client, Seq from, Seq to) {
  Node& s = nodes_[server];
  if (!s.up || (s.byz && s.byz->kind() == ByzKind::kSilent)) return;
  if (Faulty() && side_[server] != side_[client]) return;
  for (Seq q = from; q <= to && q <= s.blocks.size(); ++q) {
    if (Faulty() && loss_ > 0 && Chance(loss_)) continue;
    SimEvent e = NewEvent(now_ + Delay(server, client) + (q - from) / 16, EvType::kFetched, client);
    e.from = server;
    e.fetched = std::make_shared<const ev::BlockFetched>(s.blocks[q - 1]);
    Push(std::move(e));
  }
}

void Simulation::Execute(ReplicaId i, const act::Execute& ex) {
  Node& n = nodes_[i];
  if (!byz_[i]) checker_->OnExecute(i, ex);
  // The ledger applies the non-duplicate requests and chains a result root over them.
  Bytes buf(n.root.view());
  AppendU64(buf, ex.seq);
  buf.append(ex.cert.digest.view());
  size_t d = 0;
  for (uint32_t k = 0; k < ex.block.requests.size(); ++k) {
    if (d < ex.duplicates.size() && ex.duplicates[d] == k) {
      ++d;
      continue;
    }
    n.executed.Mark(ex.block.requests[k].id);
    AppendU32(buf, ex.block.requests[k].id.member);
    AppendU64(buf, ex.block.requests[k].id.seq);
  }
  n.root = hasher_.Digest(buf);
  n.blocks.push_back(ev::BlockFetched{ex.seq, ex.block, ex.cert});
  SimEvent e = NewEvent(now_, EvType::kExecuted, i);
  e.incarnation = n.incarnation;
  e.seq = ex.seq;
  e.root = n.root;
  Push(std::move(e));
}

void Simulation::Apply(ReplicaId i, Action& a) {
  Node& n = nodes_[i];
  std::visit(
      [&](auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, act::Send>) {
          Send(i, x.to, std::make_shared<const Message>(std::move(x.msg)));
        } else if constexpr (std::is_same_v<T, act::Broadcast>) {
          auto m = std::make_shared<const Message>(std::move(x.msg));
          for (ReplicaId j = 0; j < cfg_.n; ++j) {
            if (j != i) Send(i, j, m);
          }
        } else if constexpr (std::is_same_v<T, act::Persist>) {
          n.wal.push_back(std::move(x.record));
        } else if constexpr (std::is_same_v<T, act::StartTimer>) {
          const auto k = static_cast<size_t>(x.kind);
          SimEvent e = NewEvent(now_ + x.after * n.slow, EvType::kTimer, i);
          e.incarnation = n.incarnation;
          e.tag = ++n.timer_gen[k];
          e.timer = ev::TimerFired{x.kind, x.view, x.seq};
          Push(std::move(e));
        } else if constexpr (std::is_same_v<T, act::CancelTimer>) {
          ++n.timer_gen[static_cast<size_t>(x.kind)];
        } else if constexpr (std::is_same_v<T, act::Execute>) {
          Execute(i, x);
        } else if constexpr (std::is_same_v<T, act::Fetch>) {
          if (opt_.trace) Trace("fetch " + std::to_string(i) + " from " + std::to_string(x.peer));
          ServeFetch(x.peer, i, x.from, x.to);
        } else if constexpr (std::is_same_v<T, act::Stable>) {
          // The WAL keeps only what recovery still needs above the stable checkpoint.
          const Seq s = x.cert.seq;
          std::erase_if(n.wal, [s](const Record& r) { return RecordSeq(r) <= s; });
        } else if constexpr (std::is_same_v<T, act::Evidence>) {
          if (!byz_[i]) checker_->OnEvidence(i, x);
        } else if constexpr (std::is_same_v<T, act::Halt>) {
          if (opt_.trace) Trace("HALT " + std::to_string(i) + ": " + x.reason);
          if (!byz_[i]) checker_->OnHalt(i, x.reason);
        }
      },
      a);
}

void Simulation::Dispatch(ReplicaId i, const Event& e) {
  Actions local;
  local.swap(actions_);
  local.clear();
  nodes_[i].core->Step(e, local);
  for (Action& a : local) Apply(i, a);
  local.swap(actions_);
}

void Simulation::Schedule() {
  const uint64_t gst = opt_.stabilize_at;
  // Requests from a few members, with per-member increasing sequence numbers.
  std::vector<uint64_t> next_seq(opt_.members, 1);
  for (uint32_t r = 0; r < opt_.requests; ++r) {
    const uint32_t m = static_cast<uint32_t>(Rand(opt_.members));
    RequestRef ref;
    ref.id = RequestId{m, next_seq[m]++};
    ref.bytes = 200 + static_cast<uint32_t>(Rand(800));
    Bytes b;
    AppendU32(b, m);
    AppendU64(b, ref.id.seq);
    ref.digest = hasher_.Digest(b);
    all_requests_.push_back(ref);
    checker_->Submitted(ref.id);
    SimEvent e = NewEvent(Rand(gst + gst / 4), EvType::kSubmit, 0);
    e.request = ref;
    Push(std::move(e));
  }
  if (opt_.faults.crash) {
    const uint64_t crashes = 1 + Rand(4);
    for (uint64_t c = 0; c < crashes; ++c) {
      const ReplicaId r = static_cast<ReplicaId>(Rand(opt_.n));
      const uint64_t at = Rand(gst);
      Push(NewEvent(at, EvType::kCrash, r));
      Push(NewEvent(std::min(gst, at + 50 + Rand(1000)), EvType::kRestart, r));
    }
  }
  if (opt_.faults.partition) {
    const uint64_t parts = 1 + Rand(3);
    for (uint64_t p = 0; p < parts; ++p) {
      const uint64_t at = Rand(gst);
      SimEvent e = NewEvent(at, EvType::kPartition, 0);
      e.tag = p + 1;
      Push(std::move(e));
      SimEvent h = NewEvent(std::min(gst, at + 100 + Rand(900)), EvType::kHeal, 0);
      h.tag = p + 1;
      Push(std::move(h));
    }
  }
  Push(NewEvent(gst, EvType::kStabilize, 0));
}

SimResult Simulation::Run() {
  for (ReplicaId i = 0; i < opt_.n; ++i) {
    MakeCore(i);
    actions_.clear();
    nodes_[i].core->Start(actions_);
    Actions start;
    start.swap(actions_);
    for (Action& a : start) Apply(i, a);
  }
  Schedule();
  SimResult res;
  res.seed = opt_.seed;
  const uint64_t deadline = opt_.stabilize_at + opt_.liveness_bound;
  bool stabilized = false;
  while (!heap_.empty()) {
    const SimEvent e = Pop();
    now_ = e.time;
    if (now_ > deadline) break;
    ++steps_;
    Node& n = nodes_[e.node];
    switch (e.type) {
      case EvType::kDeliver:
        if (n.up) {
          if (opt_.trace) {
            Trace("deliver " + std::to_string(e.from) + "->" + std::to_string(e.node) + " " +
                  TypeName(*e.msg));
          }
          if (n.byz) n.byz->Observe(*e.msg);
          Dispatch(e.node, ev::Receive{e.from, e.msg.get()});
        }
        break;
      case EvType::kTimer:
        if (n.up && e.incarnation == n.incarnation &&
            e.tag == n.timer_gen[static_cast<size_t>(e.timer.kind)]) {
          Dispatch(e.node, e.timer);
        }
        break;
      case EvType::kSubmit:
        for (ReplicaId i = 0; i < opt_.n; ++i) {
          if (nodes_[i].up) Dispatch(i, ev::RequestReady{e.request});
        }
        break;
      case EvType::kExecuted:
        if (n.up && e.incarnation == n.incarnation) {
          Dispatch(e.node, ev::BlockExecuted{e.seq, e.root});
        }
        break;
      case EvType::kFetched:
        if (n.up) Dispatch(e.node, *e.fetched);
        break;
      case EvType::kCrash:
        if (n.up && !byz_[e.node] && now_ < opt_.stabilize_at) {
          if (opt_.trace) Trace("crash " + std::to_string(e.node));
          n.up = false;
          ++n.incarnation;
          n.core.reset();
        }
        break;
      case EvType::kRestart:
        if (!n.up) {
          if (opt_.trace) Trace("restart " + std::to_string(e.node));
          n.up = true;
          MakeCore(e.node);
          Recovery rec;
          rec.wal = n.wal;
          rec.last_executed = n.blocks.size();
          rec.last_root = n.root;
          rec.executed = n.executed;
          Dispatch(e.node, ev::Recovered{std::move(rec)});
        }
        break;
      case EvType::kPartition:
        if (now_ < opt_.stabilize_at) {
          partition_id_ = e.tag;
          for (auto& s : side_) s = static_cast<uint8_t>(Rand(2));
          if (opt_.trace) Trace("partition");
        }
        break;
      case EvType::kHeal:
        if (partition_id_ == e.tag) std::fill(side_.begin(), side_.end(), 0);
        break;
      case EvType::kStabilize:
        stabilized = true;
        std::fill(side_.begin(), side_.end(), 0);
        for (ReplicaId i = 0; i < opt_.n; ++i) {
          if (!nodes_[i].up) {
            Push(NewEvent(now_, EvType::kRestart, i));
          }
        }
        // Clients whose request may have been missed re-submit it once the network heals.
        Push(NewEvent(now_ + 1, EvType::kResubmit, 0));
        break;
      case EvType::kResubmit:
        for (const RequestRef& r : all_requests_) {
          for (ReplicaId i = 0; i < opt_.n; ++i) {
            if (nodes_[i].up) Dispatch(i, ev::RequestReady{r});
          }
        }
        break;
    }
    if (checker_->violated()) break;
    if (stabilized && now_ >= opt_.stabilize_at && checker_->AllApplied()) break;
  }
  res.steps = steps_;
  res.end_time = now_;
  res.committed_blocks = checker_->max_height();
  res.evidence = checker_->evidence();
  if (checker_->violated()) {
    res.violation = true;
    res.what = checker_->violation();
  } else if (!checker_->AllApplied()) {
    res.liveness_failure = true;
    res.what = "liveness: not every request committed by t=" + std::to_string(deadline) + ":" +
               checker_->Lagging() + "; replicas:";
    for (ReplicaId i = 0; i < opt_.n; ++i) {
      const Replica* c = nodes_[i].core.get();
      if (c == nullptr) continue;
      res.what += " [" + std::to_string(i) + (byz_[i] ? " byz" : "") + " view " +
                  std::to_string(c->view()) + (c->in_view_change() ? " vc" : "") + " exec " +
                  std::to_string(c->last_executed()) + " stable " +
                  std::to_string(c->stable_seq()) + " pending " +
                  std::to_string(c->pending_requests()) + " " +
                  c->DescribeSlot(c->last_executed() + 1) + "]";
    }
  }
  res.trace = std::move(trace_);
  return res;
}

}  // namespace

bool Faults::Parse(const std::string& spec, Faults& out, std::string& error) {
  out = Faults{};
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item == "all") {
      out = Faults{true, true, true, true, true, true, true};
    } else if (item == "crash") {
      out.crash = true;
    } else if (item == "partition") {
      out.partition = true;
    } else if (item == "loss") {
      out.loss = true;
    } else if (item == "dup") {
      out.dup = true;
    } else if (item == "reorder") {
      out.reorder = true;
    } else if (item == "slow") {
      out.slow = true;
    } else if (item == "byzantine") {
      out.byzantine = true;
    } else if (item != "none" && !item.empty()) {
      error = "unknown fault '" + item + "'";
      return false;
    }
  }
  return true;
}

std::string Faults::ToString() const {
  std::string s;
  auto add = [&](bool on, const char* name) {
    if (on) s += (s.empty() ? "" : ",") + std::string(name);
  };
  add(crash, "crash");
  add(partition, "partition");
  add(loss, "loss");
  add(dup, "dup");
  add(reorder, "reorder");
  add(slow, "slow");
  add(byzantine, "byzantine");
  return s.empty() ? "none" : s;
}

SimResult RunSimulation(const SimOptions& options) {
  return Simulation(options).Run();
}

}  // namespace fapiao::consensus::sim
