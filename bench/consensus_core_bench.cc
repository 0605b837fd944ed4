// consensus_core_bench: CPU time spent inside Replica::Step per committed request,
// summed over all n=4 replicas, at batch sizes 1, 100 and 1000. The replicas run in
// one thread over an in-memory FIFO network (no signatures, no I/O: those are the
// driver's cost). Prints the machine (nproc, CPU model) first.
//   consensus_core_bench [--requests-per-batch-run N]
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>
#include "bench/machine.h"

#include "consensus/core/replica.h"
#include "consensus/sim/fast_hasher.h"
#include "ledger/core/crypto.h"

namespace {

using namespace fapiao;
using namespace fapiao::consensus;
using Clock = std::chrono::steady_clock;

using bench::CpuModel;

struct BenchResult {
  double ns_per_request = 0;
  double wall_ns_per_request = 0;
  uint64_t steps = 0;
  uint64_t blocks = 0;
};

BenchResult Run(const Hasher& hasher, uint32_t batch, uint64_t requests) {
  const uint32_t n = 4;
  std::vector<std::unique_ptr<Replica>> reps;
  for (ReplicaId i = 0; i < n; ++i) {
    Config c;
    c.n = n;
    c.self = i;
    c.max_batch_count = batch;
    c.max_batch_bytes = uint64_t{1} << 40;
    c.checkpoint_interval = 16;
    c.window = 64;
    reps.push_back(std::make_unique<Replica>(c, hasher));
  }
  struct Msg {
    ReplicaId from, to;
    std::shared_ptr<const Message> msg;
  };
  std::deque<Msg> net;
  std::deque<std::pair<ReplicaId, ev::BlockExecuted>> execs;
  Actions out;
  std::chrono::nanoseconds in_core{0};
  uint64_t steps = 0, blocks = 0;
  auto step = [&](ReplicaId i, const Event& e) {
    out.clear();
    const auto t0 = Clock::now();
    reps[i]->Step(e, out);
    in_core += Clock::now() - t0;
    ++steps;
    for (Action& a : out) {
      if (auto* b = std::get_if<act::Broadcast>(&a)) {
        auto m = std::make_shared<const Message>(std::move(b->msg));
        for (ReplicaId j = 0; j < n; ++j) {
          if (j != i) net.push_back({i, j, m});
        }
      } else if (auto* s = std::get_if<act::Send>(&a)) {
        net.push_back({i, s->to, std::make_shared<const Message>(std::move(s->msg))});
      } else if (auto* x = std::get_if<act::Execute>(&a)) {
        if (i == 0) ++blocks;
        execs.push_back({i, ev::BlockExecuted{x->seq, x->cert.digest}});
      }
    }
  };
  const auto wall0 = Clock::now();
  uint64_t submitted = 0;
  while (reps[1]->last_executed() * batch < requests) {
    // Keep about one window of requests queued, as a mempool feeding the core would.
    while (submitted < requests && submitted < (reps[1]->last_executed() + 64) * batch) {
      ++submitted;
      RequestRef r;
      r.id = RequestId{static_cast<uint32_t>(submitted % 50),
                       submitted / 50 + 1};  // per member 1, 2, ...
      r.bytes = 300;
      r.digest.data()[0] = static_cast<uint8_t>(submitted);
      for (ReplicaId i = 0; i < n; ++i) step(i, ev::RequestReady{r});
    }
    if (!execs.empty()) {
      auto [i, e] = execs.front();
      execs.pop_front();
      step(i, e);
    } else if (!net.empty()) {
      Msg m = std::move(net.front());
      net.pop_front();
      step(m.to, ev::Receive{m.from, m.msg.get()});
    } else {
      break;  // nothing in flight: should not happen with full batches
    }
  }
  const auto wall = Clock::now() - wall0;
  BenchResult r;
  r.ns_per_request = static_cast<double>(in_core.count()) / static_cast<double>(requests);
  r.wall_ns_per_request = static_cast<double>(wall.count()) / static_cast<double>(requests);
  r.steps = steps;
  r.blocks = blocks;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t base = 200000;
  if (argc > 2 && std::string(argv[1]) == "--requests") base = std::stoull(argv[2]);
  std::printf("machine: nproc=%u cpu=\"%s\"\n", std::thread::hardware_concurrency(),
              CpuModel().c_str());
  std::printf("consensus core CPU per committed request, n=4, all replicas summed\n");
  sim::FastHasher fast;
  auto sha = CryptoSuite::Create(SuiteId::kEd25519Sha256);
  struct H {
    const char* name;
    const Hasher* h;
  } hashers[] = {{"fast-hash", &fast}, {"sha256", &sha->hasher()}};
  for (const H& h : hashers) {
    for (uint32_t batch : {1u, 100u, 1000u}) {
      const uint64_t requests = batch == 1 ? base / 10 : base;
      const BenchResult r = Run(*h.h, batch, requests);
      std::printf(
          "hasher=%-9s batch=%-5u requests=%-7llu blocks=%-6llu steps=%-8llu "
          "core=%8.3f us/request (%.3f us/request/replica)  harness-wall=%8.3f us/request  "
          "%.2f Msteps/s\n",
          h.name, batch, static_cast<unsigned long long>(requests),
          static_cast<unsigned long long>(r.blocks), static_cast<unsigned long long>(r.steps),
          r.ns_per_request / 1000.0, r.ns_per_request / 4000.0, r.wall_ns_per_request / 1000.0,
          static_cast<double>(r.steps) / (r.ns_per_request * static_cast<double>(requests)) *
              1000.0);
    }
  }
  return 0;
}
