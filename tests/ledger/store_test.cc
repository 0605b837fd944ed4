// RocksStore: appends, reads, inclusion proofs, and crash safety.
// Scenarios:
//   - Append/read round trip: block bytes, certificate, receipts, ids, state, meta.
//   - Appends out of height order are refused and change nothing.
//   - A committed transaction's inclusion proof verifies offline; any tampering fails.
//   - Failed write (injected I/O error): the block is refused and never visible.
//   - Power cut: unsynced data dropped, or torn at any point of the tail, at
//     many cut points: the store reopens to a complete prefix of blocks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <random>

#include "ledger/store/fault_fs.h"
#include "ledger/store/rocks_store.h"
#include "ledger/store/tx_proof.h"
#include "tests/ledger/chain_fixture.h"

using namespace fapiao;
using fapiao::testing::CheckStoreContents;
using fapiao::testing::TestChain;

namespace {

struct TempDir {
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("fapiao-store-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
  static inline int counter = 0;
};

std::unique_ptr<RocksStore> OpenStore(const TempDir& dir, RocksStoreOptions o = {}) {
  auto s = RocksStore::Open(dir.path.string(), o);
  INFO((s.ok() ? std::string() : s.status().ToString()));
  REQUIRE(s.ok());
  return std::move(*s);
}

}  // namespace

TEST_CASE("blocks, certificates, indexes and state round-trip", "[store]") {
  TempDir dir;
  TestChain chain(20, 3);
  {
    auto store = OpenStore(dir);
    CHECK_FALSE(store->Tip().has_value());
    for (uint64_t h = 0; h < 5; ++h) REQUIRE(store->Append(chain.Make(h)).ok());
    CHECK(store->Tip() == 4u);
    REQUIRE(store->PutMeta("consensus/view", "7").ok());
    REQUIRE(store->Close().ok());
  }
  auto store = OpenStore(dir);
  CHECK(store->Tip() == 4u);
  CHECK(store->GetMeta("consensus/view") == Bytes("7"));
  CHECK(CheckStoreContents(*store, chain, 7) == "");
  size_t n = 0;
  store->ScanPrefix(Column::kState, "t/", [&](ByteView, ByteView) { return ++n < 1000; });
  CHECK(n == 5 * 60);
  // A range scan seeks: it starts at the first key >= start, within the prefix.
  std::vector<std::string> all, from_middle;
  store->ScanPrefix(Column::kState, "t/", [&](ByteView k, ByteView) {
    all.emplace_back(k);
    return true;
  });
  store->ScanRange(Column::kState, "t/", all[100], [&](ByteView k, ByteView) {
    from_middle.emplace_back(k);
    return true;
  });
  CHECK(from_middle == std::vector<std::string>(all.begin() + 100, all.end()));
  size_t beyond = 0;
  store->ScanRange(Column::kState, "t/", "t0", [&](ByteView, ByteView) { return ++beyond > 0; });
  CHECK(beyond == 0);
}

TEST_CASE("appends out of order are refused and change nothing", "[store]") {
  TempDir dir;
  TestChain chain(5, 2);
  auto store = OpenStore(dir);
  const auto b0 = chain.Make(0);
  const auto b1 = chain.Make(1);
  const auto b2 = chain.Make(2);
  CHECK(store->Append(b1).code() == "store.not_next_height");
  REQUIRE(store->Append(b0).ok());
  CHECK(store->Append(b0).code() == "store.not_next_height");
  CHECK(store->Append(b2).code() == "store.not_next_height");
  CHECK(store->Tip() == 0u);
  CHECK_FALSE(store->FindTx(b2.txs[0].first).has_value());
}

TEST_CASE("a committed transaction carries a verifiable inclusion proof", "[store][proof]") {
  TempDir dir;
  TestChain chain(7, 5);
  auto store = OpenStore(dir);
  for (uint64_t h = 0; h < 3; ++h) REQUIRE(store->Append(chain.Make(h)).ok());
  const auto block2 = chain.Make(2);
  const Hasher& hasher = chain.suite().hasher();
  const Verifier& verifier = const_cast<CryptoSuite&>(chain.suite()).verifier();
  for (size_t i : {size_t{0}, size_t{8}, size_t{34}}) {
    const auto& [id, loc] = block2.txs[i];
    auto proof = ProveCommittedTx(*store, hasher, id);
    REQUIRE(proof.ok());
    auto v = VerifyTxInclusion(hasher, verifier, chain.member_keys(), fapiao::testing::kTestChain,
                               *proof);
    REQUIRE(v.ok());
    CHECK(v->tx_id == id);
    CHECK(v->header.height() == 2);

    auto bad = *proof;
    bad.batch_index ^= 1;
    CHECK_FALSE(
        VerifyTxInclusion(hasher, verifier, chain.member_keys(), fapiao::testing::kTestChain, bad)
            .ok());
    bad = *proof;
    bad.block_header.back() ^= 1;
    CHECK_FALSE(
        VerifyTxInclusion(hasher, verifier, chain.member_keys(), fapiao::testing::kTestChain, bad)
            .ok());
    bad = *proof;
    bad.certificate = "";
    CHECK_FALSE(
        VerifyTxInclusion(hasher, verifier, chain.member_keys(), fapiao::testing::kTestChain, bad)
            .ok());
    bad = *proof;
    bad.in_batch.tx_bytes[5] ^= 1;
    CHECK_FALSE(
        VerifyTxInclusion(hasher, verifier, chain.member_keys(), fapiao::testing::kTestChain, bad)
            .ok());
  }
  CHECK(ProveCommittedTx(*store, hasher, Hash()).status().code() == "store.tx_not_found");
}

TEST_CASE("a failed write leaves no trace of the block", "[store][crash]") {
  TempDir dir;
  TestChain chain(50, 4);
  auto fs = std::make_shared<FaultInjectionFs>();
  RocksStoreOptions o;
  o.fs = fs;
  {
    auto store = OpenStore(dir, o);
    for (uint64_t h = 0; h < 4; ++h) REQUIRE(store->Append(chain.Make(h)).ok());
    fs->FailWritesAfter(0);
    CHECK(store->Append(chain.Make(4)).code() == "store.io_error");
    CHECK(store->Tip() == 3u);
    // The store stays closed to writes after an I/O error rather than half-applying.
    CHECK_FALSE(store->Append(chain.Make(4)).ok());
  }
  fs->FailWritesAfter(-1);
  fs->DropUnsyncedData();
  auto store = OpenStore(dir, o);
  CHECK(store->Tip() == 3u);
  CHECK(CheckStoreContents(*store, chain, 5) == "");
  // And the chain continues from there.
  REQUIRE(store->Append(chain.Make(4)).ok());
  CHECK(CheckStoreContents(*store, chain, 5) == "");
}

TEST_CASE("a power cut at any point keeps a complete prefix of blocks", "[store][crash]") {
  const uint32_t seed = GENERATE(1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u);
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  TempDir dir;
  TestChain chain(40, 5);
  auto fs = std::make_shared<FaultInjectionFs>();
  RocksStoreOptions synced;
  synced.fs = fs;
  uint64_t acknowledged = 0;
  {
    auto store = OpenStore(dir, synced);
    for (uint64_t h = 0; h < 6; ++h) REQUIRE(store->Append(chain.Make(h)).ok());
    acknowledged = 5;
  }
  // Unsynced appends (as if the fsync had not happened yet), then the power cut
  // tears the unsynced tail at a random point.
  {
    RocksStoreOptions unsynced = synced;
    unsynced.sync = false;
    auto store = OpenStore(dir, unsynced);
    const uint64_t extra = 1 + rng() % 3;
    for (uint64_t h = 6; h < 6 + extra; ++h) REQUIRE(store->Append(chain.Make(h)).ok());
  }
  const double keep = static_cast<double>(rng() % 1000) / 1000.0;
  INFO("kept fraction of the unsynced tail " << keep);
  // The appends really were unsynced, so the cut does drop data.
  REQUIRE(fs->unsynced_bytes() > 0);
  const uint64_t dropped = fs->DropUnsyncedData(keep);
  CHECK((dropped > 0 || keep > 0.99));
  auto store = OpenStore(dir, synced);
  REQUIRE(store->Tip().has_value());
  CHECK(*store->Tip() >= acknowledged);
  CHECK(CheckStoreContents(*store, chain, 9) == "");
}

TEST_CASE("write-ahead logs stay bounded while a column family is rarely written", "[store]") {
  // Every block writes the block, state and index families; metadata is written once.
  // A log is deleted only once every family has flushed what it holds, so metadata's
  // unflushed entry kept every log alive (they grew without bound, 3 GB per node after
  // a million invoices). Bounded, RocksDB flushes the families holding the oldest log
  // and deletes it while blocks keep coming. The flushes run in the background and lag
  // on a loaded machine, so the test appends until the oldest log is gone rather than
  // measuring bytes at a fixed point: unbounded, it is never deleted (not before 2 GB).
  TempDir dir;
  TestChain chain(200, 10);
  RocksStoreOptions o;
  o.sync = false;
  o.max_total_wal_mb = 1;
  auto store = OpenStore(dir, o);
  auto log_numbers = [&dir] {
    std::vector<uint64_t> numbers;
    for (const auto& f : std::filesystem::directory_iterator(dir.path)) {
      if (f.path().extension() == ".log") numbers.push_back(std::stoull(f.path().stem().string()));
    }
    std::sort(numbers.begin(), numbers.end());
    return numbers;
  };
  REQUIRE(store->PutMeta("consensus/view", "1").ok());
  REQUIRE(!log_numbers().empty());
  const uint64_t meta_log = log_numbers().back();  // the log holding metadata's entry
  constexpr uint64_t kMaxBlocks = 400;             // ~180 MB of blocks
  uint64_t appended = 0;
  uint64_t h = 0;
  while (h < kMaxBlocks && log_numbers().front() <= meta_log) {
    const BlockAppend b = chain.Make(h++);
    appended += b.block_bytes.size();
    REQUIRE(store->Append(b).ok());
  }
  INFO(h << " blocks (" << appended << " bytes) appended; oldest log " << log_numbers().front()
         << ", metadata written in log " << meta_log);
  CHECK(log_numbers().front() > meta_log);
  CHECK(store->GetMeta("consensus/view") == Bytes("1"));
  store.reset();
  // What the deleted log held was flushed, not lost.
  store = OpenStore(dir, o);
  CHECK(store->GetMeta("consensus/view") == Bytes("1"));
  CHECK(store->Tip() == h - 1);
}
