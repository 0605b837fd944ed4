// Named scenarios for consensus_core (CometBFT state_test style). Every test is
// deterministic: FIFO delivery, a manual virtual clock, no wall clock.
//
//  quorum/rule                    f=(n-1)/3, q=n-f, any two quorums share an honest replica
//  certificates/commit            duplicate senders, wrong phase, short quorum are rejected
//  certificates/prepared          a prepared certificate must match its block digest
//  certificates/checkpoint        genesis needs no votes; others need q matching at k*K
//  new-view/plan                  highest-view prepared block re-proposed; gaps get null blocks
//  normal/commit                  4 replicas commit one request with a 2f+1 certificate
//  normal/pipeline                several sequence numbers in flight, executed in order
//  normal/batching                a block holds up to max_batch_count requests
//  normal/unexecuted-limit        a primary with max_unexecuted_blocks waits for execution,
//                                 then proposes at once what gathered meanwhile
//  duplicates/exactly-once        a request proposed twice is executed once
//  checkpoint/stable-and-gc       K blocks make a stable checkpoint; the log below is dropped
//  checkpoint/root-mismatch-halts a replica whose root disagrees with a stable checkpoint halts
//  view-change/silent-primary     a dead primary is replaced; the request commits in view 1
//  view-change/censorship         a primary that ignores one request is replaced
//  view-change/no-lone-storm      one replica asking for a huge view moves nobody
//  view-change/join-on-f+1        f+1 replicas asking for a higher view pull a replica along
//  byzantine/conflicting-vote     two votes for one slot from one sender yield evidence
//  byzantine/equivocating-primary two pre-prepares for one slot yield evidence
//  catch-up/lagging-replica       a cut-off replica fetches certified blocks and votes again
//  restart/no-double-vote         after a crash a replica replays its WAL and never votes twice
#include <catch2/catch.hpp>
#include <set>

#include "tests/consensus/cluster.h"

namespace fapiao::consensus {
namespace {

using test::Cluster;

Vote MakeVote(Phase p, View v, Seq s, const Hash& d, ReplicaId from) {
  return Vote{p, v, s, d, from, {}};
}

TEST_CASE("quorum/rule", "[consensus][core]") {
  for (uint32_t n = 1; n <= 64; ++n) {
    const uint32_t f = MaxFaulty(n), q = Quorum(n);
    CHECK(3 * f + 1 <= n);
    CHECK(2 * q >= n + f + 1);  // 2q - n >= f + 1: an honest replica in every intersection
    CHECK(q <= n - f);          // live with f silent replicas
  }
  CHECK(Quorum(4) == 3);
  CHECK(Quorum(7) == 5);
  CHECK(Quorum(10) == 7);
  CHECK(Quorum(5) == 4);
}

TEST_CASE("certificates/commit", "[consensus][core]") {
  Config cfg;
  cfg.n = 4;
  Hash d;
  d.data()[0] = 7;
  CommitCert c{0, 1, d, {}};
  for (ReplicaId r = 0; r < 3; ++r) c.commits.push_back(MakeVote(Phase::kCommit, 0, 1, d, r));
  CHECK(ValidCommitCert(cfg, c));
  CommitCert dup = c;
  dup.commits[2].sender = 0;
  CHECK_FALSE(ValidCommitCert(cfg, dup));
  CommitCert short_cert = c;
  short_cert.commits.pop_back();
  CHECK_FALSE(ValidCommitCert(cfg, short_cert));
  CommitCert wrong_phase = c;
  wrong_phase.commits[1].phase = Phase::kPrepare;
  CHECK_FALSE(ValidCommitCert(cfg, wrong_phase));
  CommitCert outsider = c;
  outsider.commits[1].sender = 9;
  CHECK_FALSE(ValidCommitCert(cfg, outsider));
}

TEST_CASE("certificates/prepared", "[consensus][core]") {
  sim::FastHasher h;
  Config cfg;
  PreparedCert p;
  p.seq = 1;
  p.block.requests.push_back(Cluster::Req(1, 1));
  p.digest = BlockDigest(h, p.block);
  for (ReplicaId r = 1; r < 4; ++r)
    p.prepares.push_back(MakeVote(Phase::kPrepare, 0, 1, p.digest, r));
  CHECK(ValidPreparedCert(cfg, h, p));
  PreparedCert other = p;
  other.block.requests.push_back(Cluster::Req(1, 2));  // digest no longer matches the block
  CHECK_FALSE(ValidPreparedCert(cfg, h, other));
}

TEST_CASE("certificates/checkpoint", "[consensus][core]") {
  Config cfg;
  cfg.checkpoint_interval = 4;
  CHECK(ValidCheckpointCert(cfg, CheckpointCert{0, cfg.genesis_root, {}}));
  Hash root;
  root.data()[3] = 1;
  CheckpointCert c{4, root, {}};
  for (ReplicaId r = 0; r < 3; ++r) c.votes.push_back(Checkpoint{4, root, r, {}});
  CHECK(ValidCheckpointCert(cfg, c));
  CheckpointCert off = c;
  off.seq = 5;
  for (auto& v : off.votes) v.seq = 5;
  CHECK_FALSE(ValidCheckpointCert(cfg, off));
  CheckpointCert split = c;
  split.votes[0].root.data()[0] = 9;
  CHECK_FALSE(ValidCheckpointCert(cfg, split));
}

TEST_CASE("new-view/plan", "[consensus][core]") {
  sim::FastHasher h;
  Config cfg;
  cfg.checkpoint_interval = 4;
  cfg.window = 16;
  auto prepared = [&](View v, Seq s, uint64_t req) {
    PreparedCert p;
    p.view = v;
    p.seq = s;
    p.block.requests.push_back(Cluster::Req(1, req));
    p.digest = BlockDigest(h, p.block);
    for (ReplicaId r = 0; r < 3; ++r)
      p.prepares.push_back(MakeVote(Phase::kPrepare, v, s, p.digest, r));
    return p;
  };
  NewView nv;
  nv.view = 2;
  nv.sender = 2;
  for (ReplicaId r = 0; r < 3; ++r) {
    ViewChange vc;
    vc.view = 2;
    vc.sender = r;
    vc.stable = CheckpointCert{0, cfg.genesis_root, {}};
    if (r == 0) vc.prepared = {prepared(0, 1, 10), prepared(0, 3, 30)};
    if (r == 1) vc.prepared = {prepared(1, 1, 11)};  // higher view wins at seq 1
    nv.view_changes.push_back(vc);
  }
  auto plan = PlanNewView(cfg, h, nv);
  REQUIRE(plan);
  REQUIRE(plan->proposals.size() == 3);
  CHECK(plan->proposals[0].block.requests.at(0).id.seq == 11);
  CHECK(plan->proposals[1].block.requests.empty());  // gap: null block
  CHECK(plan->proposals[2].block.requests.at(0).id.seq == 30);

  NewView too_few = nv;
  too_few.view_changes.pop_back();
  CHECK_FALSE(PlanNewView(cfg, h, too_few));
  NewView wrong_primary = nv;
  wrong_primary.sender = 1;
  CHECK_FALSE(PlanNewView(cfg, h, wrong_primary));
}

TEST_CASE("normal/commit", "[consensus][core]") {
  Cluster c(4);
  c.Submit(Cluster::Req(1, 1));
  c.Run();
  for (auto& n : c.nodes) {
    REQUIRE(n.executed.size() == 1);
    CHECK(ValidCommitCert(c.cfg[0], n.executed[0].cert));
    CHECK(n.executed[0].cert.digest == c.nodes[0].executed[0].cert.digest);
    CHECK(n.evidence.empty());
  }
}

TEST_CASE("normal/pipeline", "[consensus][core]") {
  Cluster c(4);
  for (uint64_t s = 1; s <= 10; ++s) c.Step(0, ev::RequestReady{Cluster::Req(1, s)});
  for (ReplicaId i = 1; i < 4; ++i) {
    for (uint64_t s = 1; s <= 10; ++s) c.Step(i, ev::RequestReady{Cluster::Req(1, s)});
  }
  // The primary proposed all ten before any vote was delivered: ten slots in flight.
  size_t preprepares = 0;
  for (const Message& m : c.nodes[0].sent) preprepares += std::holds_alternative<PrePrepare>(m);
  CHECK(preprepares == 10);
  c.Run();
  for (auto& n : c.nodes) {
    REQUIRE(n.executed.size() == 10);
    for (Seq s = 1; s <= 10; ++s) CHECK(n.executed[s - 1].seq == s);
  }
}

TEST_CASE("normal/batching", "[consensus][core]") {
  Cluster c(4, [](Config& cfg) { cfg.max_batch_count = 5; });
  for (uint64_t s = 1; s <= 12; ++s) c.Submit(Cluster::Req(2, s));
  c.RunUntil([&] { return c.nodes[3].core->pending_requests() == 0; });
  REQUIRE(c.nodes[3].executed.size() == 3);  // 5 + 5 + 2 (the last after the proposal delay)
  CHECK(c.nodes[3].executed[0].block.requests.size() == 5);
  CHECK(c.nodes[3].executed[2].block.requests.size() == 2);
}

TEST_CASE("normal/unexecuted-limit", "[consensus][core]") {
  Cluster c(4, [](Config& cfg) {
    cfg.max_batch_count = 2;
    cfg.max_unexecuted_blocks = 1;
  });
  auto preprepares = [&] {
    size_t k = 0;
    for (const Message& m : c.nodes[0].sent) k += std::holds_alternative<PrePrepare>(m);
    return k;
  };
  for (uint64_t s = 1; s <= 6; ++s) {
    for (ReplicaId i = 0; i < 4; ++i) c.Step(i, ev::RequestReady{Cluster::Req(1, s)});
  }
  // Three full blocks are ready, but only one may be unexecuted at the primary.
  CHECK(preprepares() == 1);
  // Commit without execution results: still one.
  while (!c.net.empty()) {
    Cluster::InFlight m = std::move(c.net.front());
    c.net.pop_front();
    c.Step(m.to, ev::Receive{m.from, &m.msg});
  }
  REQUIRE(c.nodes[0].executed.size() == 1);
  CHECK(preprepares() == 1);
  // The primary's execution result lets the next block go, without waiting for a timer.
  for (auto it = c.pending_exec.begin(); it != c.pending_exec.end(); ++it) {
    if (it->first != 0) continue;
    auto e = it->second;
    c.pending_exec.erase(it);
    c.Step(0, e);
    break;
  }
  CHECK(preprepares() == 2);
  c.Run();
  for (auto& n : c.nodes) {
    REQUIRE(n.executed.size() == 3);
    for (const auto& x : n.executed) CHECK(x.block.requests.size() == 2);
  }
}

TEST_CASE("duplicates/exactly-once", "[consensus][core]") {
  Cluster c(4);
  c.Submit(Cluster::Req(1, 1));
  c.Run();
  c.Submit(Cluster::Req(1, 1));  // resubmitted after execution: ignored
  c.Run();
  CHECK(c.nodes[2].executed.size() == 1);
  // A Byzantine primary proposing an executed request again: the block commits but the
  // request is marked duplicate and skipped.
  PrePrepare pp;
  pp.view = 0;
  pp.seq = 2;
  pp.sender = 0;
  pp.block.requests.push_back(Cluster::Req(1, 1));
  pp.digest = BlockDigest(c.hasher, pp.block);
  const Message ppm(pp);
  for (ReplicaId i = 1; i < 4; ++i) c.Step(i, ev::Receive{0, &ppm});
  c.drop = [](ReplicaId, ReplicaId to, const Message&) { return to == 0; };
  c.Run();
  for (ReplicaId i = 1; i < 4; ++i) {
    REQUIRE(c.nodes[i].executed.size() == 2);
    CHECK(c.nodes[i].executed[1].duplicates == std::vector<uint32_t>{0});
  }
}

TEST_CASE("checkpoint/stable-and-gc", "[consensus][core]") {
  Cluster c(4);
  for (uint64_t s = 1; s <= 9; ++s) c.Submit(Cluster::Req(1, s));
  c.RunUntil([&] { return c.nodes[1].core->last_executed() == 9; });
  for (auto& n : c.nodes) {
    CHECK(n.core->stable_seq() == 8);
    CHECK(n.core->log_slots() <= 1);  // only seq 9 is above the stable checkpoint
  }
}

TEST_CASE("checkpoint/root-mismatch-halts", "[consensus][core]") {
  Cluster c(4);
  c.root_override = [](ReplicaId i, Seq s) {
    Hash h;
    h.data()[0] = static_cast<uint8_t>(s);
    h.data()[1] = i == 3 ? 1 : 0;  // replica 3 computes a different state
    return h;
  };
  for (uint64_t s = 1; s <= 4; ++s) c.Submit(Cluster::Req(1, s));
  c.Run();
  CHECK(c.nodes[3].core->halted());
  CHECK_FALSE(c.nodes[3].halts.empty());
  CHECK_FALSE(c.nodes[0].core->halted());
}

TEST_CASE("view-change/silent-primary", "[consensus][core]") {
  Cluster c(4);
  c.Crash(0);
  c.Submit(Cluster::Req(1, 1));
  REQUIRE(c.RunUntil([&] { return c.nodes[1].executed.size() == 1; }));
  CHECK(c.nodes[1].core->view() == 1);
  CHECK(c.nodes[2].executed.size() == 1);
  CHECK(c.nodes[3].executed.size() == 1);
}

TEST_CASE("view-change/censorship", "[consensus][core]") {
  Cluster c(4);
  c.Submit(Cluster::Req(1, 1));
  c.Run();
  // The primary never hears of request (2,1) (it is censoring it); backups do.
  for (ReplicaId i = 1; i < 4; ++i) c.Step(i, ev::RequestReady{Cluster::Req(2, 1)});
  REQUIRE(c.RunUntil([&] { return c.nodes[1].executed.size() == 2; }));
  CHECK(c.nodes[1].core->view() >= 1);
}

TEST_CASE("view-change/no-lone-storm", "[consensus][core]") {
  Cluster c(4);
  ViewChange vc;
  vc.view = 1000;
  vc.sender = 3;
  vc.stable = CheckpointCert{0, c.cfg[0].genesis_root, {}};
  Message m(vc);
  c.Step(1, ev::Receive{3, &m});
  CHECK(c.nodes[1].core->view() == 0);
  CHECK_FALSE(c.nodes[1].core->in_view_change());
  ViewChange huge = vc;
  huge.view = uint64_t{1} << 62;
  Message mh(huge);
  c.Step(1, ev::Receive{3, &mh});
  CHECK(c.nodes[1].core->view() == 0);
}

TEST_CASE("view-change/join-on-f+1", "[consensus][core]") {
  Cluster c(4);
  for (ReplicaId from : {2u, 3u}) {
    ViewChange vc;
    vc.view = 5;
    vc.sender = from;
    vc.stable = CheckpointCert{0, c.cfg[0].genesis_root, {}};
    Message m(vc);
    c.Step(0, ev::Receive{from, &m});
  }
  // Replica 0 joins view 5 and waits for its primary (replica 1) to start it.
  CHECK(c.nodes[0].core->view() == 5);
  CHECK(c.nodes[0].core->in_view_change());
  c.Run();
  // Only replica 0 really asked the others (2 and 3 were simulated): nobody follows it alone.
  CHECK(c.nodes[2].core->view() == 0);
}

TEST_CASE("byzantine/conflicting-vote", "[consensus][core]") {
  Cluster c(4);
  Hash a, b;
  a.data()[0] = 1;
  b.data()[0] = 2;
  Message v1(MakeVote(Phase::kPrepare, 0, 1, a, 3));
  Message v2(MakeVote(Phase::kPrepare, 0, 1, b, 3));
  c.Step(1, ev::Receive{3, &v1});
  c.Step(1, ev::Receive{3, &v2});
  REQUIRE(c.nodes[1].evidence.size() == 1);
  CHECK(c.nodes[1].evidence[0].culprit == 3);
  CHECK(c.nodes[1].evidence[0].kind == EvidenceKind::kConflictingVote);
}

TEST_CASE("byzantine/equivocating-primary", "[consensus][core]") {
  Cluster c(4);
  PrePrepare p1;
  p1.seq = 1;
  p1.block.requests.push_back(Cluster::Req(1, 1));
  p1.digest = BlockDigest(c.hasher, p1.block);
  PrePrepare p2 = p1;
  p2.block.requests.push_back(Cluster::Req(1, 2));
  p2.digest = BlockDigest(c.hasher, p2.block);
  Message m1(p1), m2(p2);
  c.Step(2, ev::Receive{0, &m1});
  c.Step(2, ev::Receive{0, &m2});
  REQUIRE(c.nodes[2].evidence.size() == 1);
  CHECK(c.nodes[2].evidence[0].kind == EvidenceKind::kEquivocatingPrimary);
  // A pre-prepare whose digest does not match its block is refused.
  PrePrepare bad = p1;
  bad.seq = 2;
  bad.digest = p2.digest;
  Message m3(bad);
  c.Step(2, ev::Receive{0, &m3});
  CHECK(c.nodes[2].evidence.size() == 2);
}

TEST_CASE("catch-up/lagging-replica", "[consensus][core]") {
  Cluster c(4);
  c.drop = [](ReplicaId from, ReplicaId to, const Message&) { return from == 3 || to == 3; };
  for (uint64_t s = 1; s <= 40; ++s) c.Submit(Cluster::Req(1, s));
  c.RunUntil([&] { return c.nodes[0].core->last_executed() == 40; });
  CHECK(c.nodes[3].executed.empty());
  c.drop = nullptr;  // reconnect
  REQUIRE(c.RunUntil([&] { return c.nodes[3].core->last_executed() == 40; }));
  for (Seq s = 1; s <= 40; ++s) {
    CHECK(c.nodes[3].executed[s - 1].cert.digest == c.nodes[0].executed[s - 1].cert.digest);
  }
  // It votes again: with replica 0 gone, 1, 2 and 3 still form a quorum.
  c.Crash(0);
  c.Submit(Cluster::Req(1, 41));
  REQUIRE(c.RunUntil([&] { return c.nodes[3].core->last_executed() == 41; }));
}

TEST_CASE("restart/no-double-vote", "[consensus][core]") {
  Cluster c(4);
  // Replica 1 prepares block A at (0, 1), then crashes before anything commits.
  c.drop = [](ReplicaId from, ReplicaId, const Message&) { return from != 0; };
  c.Submit(Cluster::Req(1, 1));
  c.Run();
  c.Crash(1);
  c.Restart(1);
  c.drop = nullptr;
  // An equivocating primary now offers block B for the same slot: no second PREPARE.
  PrePrepare other;
  other.seq = 1;
  other.block.requests.push_back(Cluster::Req(9, 9));
  other.digest = BlockDigest(c.hasher, other.block);
  Message m(other);
  c.Step(1, ev::Receive{0, &m});
  std::set<std::pair<uint64_t, Hash>> prepares;
  for (const Record& r : c.nodes[1].wal) {
    if (const auto* v = std::get_if<Vote>(&r); v && v->phase == Phase::kPrepare) {
      prepares.insert({v->seq, v->digest});
    }
  }
  for (const Message& s : c.nodes[1].sent) {
    if (const auto* v = std::get_if<Vote>(&s); v && v->phase == Phase::kPrepare && v->seq == 1) {
      prepares.insert({v->seq, v->digest});
    }
  }
  CHECK(prepares.size() == 1);
  c.Run();
  REQUIRE(c.RunUntil([&] { return c.nodes[1].core->last_executed() == 1; }));
  CHECK(c.nodes[1].executed[0].cert.digest == c.nodes[0].executed[0].cert.digest);
}

}  // namespace
}  // namespace fapiao::consensus
