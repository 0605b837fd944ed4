// Node::AwaitHeight (the claim's read-your-writes wait, docs/http.md "Claim
// heights") on a real one-member node in-process (RocksDB, its own consensus,
// two I/O threads): blocks execute while waiters come and go from other threads.
// Scenarios:
//   - a height already executed runs the waiter at once, on the caller's thread
//   - waiters of heights the node then executes are released by that execution
//     (their timeout is far away), each exactly once, from two threads at once
//     while transactions commit, with short timeouts mixed in (seeded)
//   - a height never reached ends by its timeout, exactly once
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <random>
#include <thread>
#include <vector>

#include "contracts/kinds.h"
#include "node/config.h"
#include "node/init.h"
#include "node/node.h"
#include "tests/node_config/temp_dir.h"

using namespace fapiao;
using namespace std::chrono_literals;

namespace {

struct OneNode {
  test::TempDir dir;
  std::unique_ptr<node::Node> node;

  OneNode() {
    node::InitOptions init;
    init.members = 1;
    init.dir = dir.path().string();
    REQUIRE(node::InitConsortium(init).ok());
    auto config = node::LoadNodeConfig(dir / "node0/node.toml");
    REQUIRE(config.ok());
    config->p2p_listen.port = 0;
    auto consortium = node::LoadConsortium(config->consortium_file);
    REQUIRE(consortium.ok());
    auto created = node::Node::Create(*config, *consortium);
    REQUIRE(created.ok());
    node = std::move(*created);
    REQUIRE(node->Start(2).ok());
  }
  ~OneNode() { node->Stop(); }

  // Submits a heartbeat and waits for its execution; returns its height.
  uint64_t Commit(int i) {
    auto done = std::make_shared<std::promise<Result<node::TxOutcome>>>();
    auto f = done->get_future();
    REQUIRE(node->Submit(static_cast<uint32_t>(contracts::TxKind::kHeartbeat),
                         "await " + std::to_string(i),
                         [done](Result<node::TxOutcome> r) { done->set_value(std::move(r)); })
                .ok());
    REQUIRE(f.wait_for(30s) == std::future_status::ready);
    auto r = f.get();
    REQUIRE(r.ok());
    return r->height;
  }
};

}  // namespace

TEST_CASE("a node releases each height waiter once, by execution or by its timeout",
          "[node][await]") {
  OneNode n;
  const uint64_t first = n.Commit(0);

  // Already executed: at once, on this thread.
  bool ran = false;
  n.node->AwaitHeight(first, 10s, [&] { ran = true; });
  CHECK(ran);

  const uint64_t seed = Catch::rngSeed();
  INFO("seed " << seed);
  constexpr int kPerThread = 400;
  constexpr uint64_t kAhead = 8;  // waiters ask for up to this many blocks ahead
  std::vector<std::atomic<int>> calls(2 * kPerThread);
  std::vector<uint64_t> heights(2 * kPerThread);
  std::vector<bool> long_wait(2 * kPerThread);
  std::atomic<int> released{0};
  std::promise<void> all_released;
  auto waiter = [&](int t) {
    std::mt19937_64 rng(seed + static_cast<uint64_t>(t));
    for (int i = 0; i < kPerThread; ++i) {
      const int k = t * kPerThread + i;
      heights[k] = first + 1 + rng() % kAhead;
      long_wait[k] = rng() % 4 != 0;  // a quarter time out after 0-20 ms
      const auto timeout = long_wait[k] ? 60s : std::chrono::milliseconds(rng() % 21);
      n.node->AwaitHeight(heights[k], timeout, [&, k] {
        calls[k].fetch_add(1);
        if (released.fetch_add(1) + 1 == 2 * kPerThread) all_released.set_value();
      });
    }
  };
  std::thread a(waiter, 0), b(waiter, 1);
  uint64_t tip = first;
  for (int i = 1; tip < first + kAhead; ++i) tip = n.Commit(i);
  a.join();
  b.join();
  // Every waiter asked for a height now executed: all are released well before 60 s.
  REQUIRE(all_released.get_future().wait_for(30s) == std::future_status::ready);
  for (size_t k = 0; k < calls.size(); ++k) {
    INFO("waiter " << k << " height " << heights[k]);
    CHECK(calls[k].load() == 1);
  }

  // A height that never comes: the timeout ends the wait, once.
  std::atomic<int> timed_out{0};
  std::promise<void> ended;
  n.node->AwaitHeight(tip + 1000000, 20ms, [&] {
    if (timed_out.fetch_add(1) == 0) ended.set_value();
  });
  REQUIRE(ended.get_future().wait_for(30s) == std::future_status::ready);
  n.Commit(1000);  // more blocks execute: the ended waiter is not called again
  CHECK(timed_out.load() == 1);
}
