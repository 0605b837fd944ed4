// The node's performance metrics after it has committed blocks: a real
// one-member consortium (from `fapiaod init`) runs in-process with RocksDB
// (fsync on) and its own consensus; transactions go through Node::Submit, so
// this node's batcher forms the batches.
// Scenarios:
//   - batch sizes, execution time, block store write time and RocksDB write
//     stalls are exported, with counts and sums that match what was committed.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <vector>

#include "api/metrics.h"
#include "contracts/kinds.h"
#include "node/config.h"
#include "node/init.h"
#include "node/node.h"
#include "tests/api/exposition.h"
#include "tests/node_config/temp_dir.h"

using namespace fapiao;
using api::testing::Exposition;
using namespace std::chrono_literals;

namespace {

double Value(const Exposition& e, const std::string& name) {
  const auto samples = e.Find(name);
  INFO(name);
  REQUIRE(samples.size() == 1);
  return samples[0].value;
}

}  // namespace

TEST_CASE("a node that committed blocks exports batch, execution, store write and stall metrics",
          "[node][metrics]") {
  test::TempDir dir;
  node::InitOptions init;
  init.members = 1;
  init.dir = dir.path().string();
  REQUIRE(node::InitConsortium(init).ok());
  auto config = node::LoadNodeConfig(dir / "node0/node.toml");
  REQUIRE(config.ok());
  config->p2p_listen.port = 0;  // no peers; any free port
  auto consortium = node::LoadConsortium(config->consortium_file);
  REQUIRE(consortium.ok());
  auto created = node::Node::Create(*config, *consortium);
  REQUIRE(created.ok());
  std::unique_ptr<node::Node> n = std::move(*created);
  api::MetricsRegistry registry;
  n->RegisterMetrics(registry);
  REQUIRE(n->Start(1).ok());

  constexpr int kTxs = 5;
  std::vector<std::future<Result<node::TxOutcome>>> outcomes;
  for (int i = 0; i < kTxs; ++i) {
    auto done = std::make_shared<std::promise<Result<node::TxOutcome>>>();
    outcomes.push_back(done->get_future());
    auto id = n->Submit(static_cast<uint32_t>(contracts::TxKind::kHeartbeat),
                        "metrics " + std::to_string(i),
                        [done](Result<node::TxOutcome> r) { done->set_value(std::move(r)); });
    REQUIRE(id.ok());
  }
  for (auto& f : outcomes) {
    REQUIRE(f.wait_for(30s) == std::future_status::ready);
    auto r = f.get();
    REQUIRE(r.ok());
    CHECK(r->accepted);
  }
  n->Stop();  // nothing executes while the exposition is read

  std::string error;
  auto parsed = api::testing::ParseExposition(registry.Render(), &error);
  INFO(error);
  REQUIRE(parsed);
  const Exposition& e = *parsed;
  CHECK(e.types.at("fapiao_batch_transactions") == "histogram");
  CHECK(e.types.at("fapiao_execution_seconds") == "histogram");
  CHECK(e.types.at("fapiao_store_write_seconds") == "histogram");
  CHECK(e.types.at("fapiao_store_write_stall_seconds_total") == "counter");
  for (const char* h :
       {"fapiao_batch_transactions", "fapiao_execution_seconds", "fapiao_store_write_seconds"}) {
    CHECK(api::testing::CheckHistograms(e, h).empty());
  }

  // Every transaction submitted here was in exactly one batch this node formed.
  CHECK(Value(e, "fapiao_batch_transactions_sum") == kTxs);
  CHECK(Value(e, "fapiao_batch_transactions_count") >= 1);
  CHECK(Value(e, "fapiao_batch_transactions_count") <= kTxs);

  // One execution time and one store write per executed block, the write part of it.
  const double blocks = Value(e, "fapiao_block_transactions_count");
  CHECK(blocks >= 1);
  CHECK(Value(e, "fapiao_block_transactions_sum") == kTxs);
  CHECK(Value(e, "fapiao_execution_seconds_count") == blocks);
  CHECK(Value(e, "fapiao_store_write_seconds_count") == blocks);
  CHECK(Value(e, "fapiao_store_write_seconds_sum") > 0);
  CHECK(Value(e, "fapiao_execution_seconds_sum") >= Value(e, "fapiao_store_write_seconds_sum"));
  CHECK(Value(e, "fapiao_execution_last_seconds") > 0);

  // A handful of small writes never makes RocksDB slow down or stop writers.
  CHECK(Value(e, "fapiao_store_write_stall_seconds_total") == 0);
  CHECK(Value(e, "fapiao_store_write_stopped") == 0);
  CHECK(Value(e, "fapiao_store_delayed_write_rate_bytes") == 0);
}
