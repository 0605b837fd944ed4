// Batcher: this node's member batches (node/batcher.h), over a real RocksStore for
// the sequence leases. No timers run: batches close by size or by Flush().
// Scenarios:
//   - a group (AddAll) is one run of consecutive transactions in one batch, in
//     order, with the ids and sequences AddAll returned
//   - a group that would not fit in the pending batch closes it first, so the
//     group is never split across batches
//   - a group that fills the batch closes it at once
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include "ledger/core/batch.h"
#include "ledger/store/rocks_store.h"
#include "node/batcher.h"
#include "tests/node_config/temp_dir.h"

using namespace fapiao;

namespace {

struct Fixture {
  test::TempDir dir;
  boost::asio::io_context io;
  std::unique_ptr<CryptoSuite> suite = CryptoSuite::Create(SuiteId::kEd25519Sha256);
  std::unique_ptr<Signer> signer = suite->GenerateSigner();
  std::unique_ptr<RocksStore> store;
  std::vector<pb::SignedBatch> emitted;
  std::unique_ptr<node::Batcher> batcher;

  explicit Fixture(uint32_t max_txs) {
    auto st = RocksStore::Open(dir / "ledger");
    REQUIRE(st.ok());
    store = std::move(*st);
    batcher = std::make_unique<node::Batcher>(
        io, *signer, suite->hasher(), *store, node::BatcherOptions{"chain", 3, max_txs, 1000},
        [this](pb::SignedBatch b) { emitted.push_back(std::move(b)); });
    REQUIRE(batcher->Open().ok());
  }

  static std::vector<node::Batcher::Tx> Group(std::initializer_list<const char*> payloads) {
    std::vector<node::Batcher::Tx> g;
    uint32_t kind = 6;
    for (const char* p : payloads) g.push_back({kind++, p, {}});
    return g;
  }

  // The (kind, payload, sequence) of every transaction of batch b.
  std::vector<std::tuple<uint32_t, std::string, uint64_t>> Txs(size_t b) const {
    std::vector<std::tuple<uint32_t, std::string, uint64_t>> out;
    for (const auto& bytes : emitted.at(b).transactions()) {
      pb::Transaction tx;
      REQUIRE(tx.ParseFromString(bytes));
      CHECK(tx.member() == 3);
      out.emplace_back(tx.kind(), tx.payload(), tx.sequence());
    }
    return out;
  }
};

}  // namespace

TEST_CASE("a group of transactions is one run of one batch, in order", "[node][batcher]") {
  Fixture f(10);
  REQUIRE(f.batcher->Add(6, "single").ok());
  auto ids = f.batcher->AddAll(Fixture::Group({"request", "issue"}));
  REQUIRE(ids.ok());
  REQUIRE(ids->size() == 2);
  CHECK(f.emitted.empty());  // below max_txs: the batch waits for its delay or a flush
  f.batcher->Flush();
  REQUIRE(f.emitted.size() == 1);
  const auto txs = f.Txs(0);
  REQUIRE(txs.size() == 3);
  CHECK(std::get<1>(txs[1]) == "request");
  CHECK(std::get<1>(txs[2]) == "issue");
  CHECK(std::get<0>(txs[2]) == 7);
  CHECK(std::get<2>(txs[2]) == std::get<2>(txs[1]) + 1);
  CHECK((*ids)[0].sequence == std::get<2>(txs[1]));
  CHECK((*ids)[0].tx_id == TxId(f.suite->hasher(), f.emitted[0].transactions(1)));
  CHECK((*ids)[1].tx_id == TxId(f.suite->hasher(), f.emitted[0].transactions(2)));
}

TEST_CASE("a group that would not fit closes the pending batch first", "[node][batcher]") {
  Fixture f(3);
  REQUIRE(f.batcher->Add(6, "a").ok());
  REQUIRE(f.batcher->Add(6, "b").ok());
  auto ids = f.batcher->AddAll(Fixture::Group({"request", "issue"}));
  REQUIRE(ids.ok());
  REQUIRE(f.emitted.size() == 1);  // "a" and "b" went out alone
  CHECK(f.Txs(0).size() == 2);
  f.batcher->Flush();
  REQUIRE(f.emitted.size() == 2);
  const auto txs = f.Txs(1);
  REQUIRE(txs.size() == 2);
  CHECK(std::get<1>(txs[0]) == "request");
  CHECK(std::get<1>(txs[1]) == "issue");

  // A group that fills a batch closes it at once.
  auto full = f.batcher->AddAll(Fixture::Group({"x", "y", "z"}));
  REQUIRE(full.ok());
  REQUIRE(f.emitted.size() == 3);
  CHECK(f.Txs(2).size() == 3);
  CHECK(std::get<2>(f.Txs(2)[0]) == std::get<2>(txs[1]) + 1);
}
