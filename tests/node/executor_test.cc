// Executor: committed blocks run in order, and only the block the consortium
// committed is executed.
// Scenarios:
//   - A committed block is assembled from the mempool's batches, executed and
//     stored with its certificate; its transactions are findable.
//   - A block "provided" by a peer for that height that is not the committed one
//     (another block with a plausible certificate) is ignored.
#include <catch2/catch.hpp>

#include <filesystem>
#include <future>

#include "consensus/core/certificates.h"
#include "contracts/kinds.h"
#include "ledger/core/block.h"
#include "ledger/core/merkle.h"
#include "ledger/store/rocks_store.h"
#include "node/config.h"
#include "node/executor.h"
#include "node/init.h"
#include "node/transport/pki.h"

using namespace fapiao;

namespace {

struct Fixture {
  Fixture() {
    dir = std::filesystem::temp_directory_path() / ("fapiao-exec-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    node::InitOptions o;
    o.dir = dir.string();
    REQUIRE(node::InitConsortium(o).ok());
    auto c = node::LoadConsortium((dir / "consortium.toml").string());
    REQUIRE(c.ok());
    consortium = *c;
    suite = CryptoSuite::Create(consortium.suite);
    for (uint32_t m = 0; m < 4; ++m) {
      auto pem =
          transport::ReadTextFile((dir / ("node" + std::to_string(m)) / "signing.key").string());
      REQUIRE(pem.ok());
      signers.push_back(std::move(suite->LoadSigner(*pem)).value());
      keys.push_back(*suite->verifier().AddKey(signers.back()->public_key_der()));
    }
    auto g = node::LoadGenesis(consortium);
    REQUIRE(g.ok());
    genesis = *g;
    auto st = RocksStore::Open((dir / "ledger").string());
    REQUIRE(st.ok());
    store = std::move(*st);
    std::vector<int> roles;
    for (const auto& m : consortium.members) roles.push_back(m.role);
    mempool = std::make_unique<node::Mempool>(suite->hasher(), suite->verifier(), keys, roles,
                                              consortium.chain_id, node::MempoolLimits{});
    codec.chain_id = consortium.chain_id;
    codec.n = 4;
    codec.hasher = &suite->hasher();
    codec.verifier = &suite->verifier();
    codec.member_keys = keys;
    codec.signer = signers[0].get();
    codec.self = 0;
  }
  ~Fixture() {
    executor.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }

  pb::SignedBatch Batch(uint32_t member, uint64_t batch_seq, const std::string& payload) {
    pb::Transaction tx;
    tx.set_chain_id(consortium.chain_id);
    tx.set_kind(static_cast<uint32_t>(contracts::TxKind::kHeartbeat));
    tx.set_member(member);
    tx.set_sequence(batch_seq);
    tx.set_payload(payload);
    return MakeSignedBatch(suite->hasher(), *signers[member], consortium.chain_id, MemberId{member},
                           batch_seq, {tx.SerializeAsString()});
  }

  // A committed core block for `batch` at height 1 with a quorum certificate.
  consensus::act::Execute Committed(const pb::SignedBatch& batch) {
    const Hash leaf = MerkleLeafHash(suite->hasher(), BatchLeafData(batch));
    BlockFields f;
    f.chain_id = consortium.chain_id;
    f.height = 1;
    f.prev_hash = genesis.block_id;
    f.timestamp_ms = consortium.genesis_time_ms + 1000;
    pb::Block block = MakeBlock(suite->hasher(), f, {batch});
    consensus::act::Execute e;
    e.seq = 1;
    e.block.header = block.header();
    e.block.requests.push_back({{1, 1}, leaf, static_cast<uint32_t>(batch.ByteSizeLong())});
    e.cert.seq = 1;
    e.cert.digest = consensus::BlockDigest(suite->hasher(), e.block);
    for (uint32_t m = 0; m < 3; ++m) {
      e.cert.commits.push_back(
          {consensus::Phase::kCommit, 0, 1, e.cert.digest, m,
           signers[m]->Sign(CommitStatement(consortium.chain_id, 0, 1, e.cert.digest))});
    }
    return e;
  }

  std::filesystem::path dir;
  node::Consortium consortium;
  std::unique_ptr<CryptoSuite> suite;
  std::vector<std::unique_ptr<Signer>> signers;
  std::vector<Hash> keys;
  node::GenesisArtifacts genesis;
  std::unique_ptr<RocksStore> store;
  std::unique_ptr<node::Mempool> mempool;
  consensus::CodecContext codec;
  std::unique_ptr<node::Executor> executor;
};

}  // namespace

TEST_CASE("only the committed block is executed, whatever a peer provides", "[node][executor]") {
  Fixture fx;
  std::promise<node::ExecutedBlock> executed;
  node::ExecutorHooks hooks;
  hooks.executed = [&](const node::ExecutedBlock& b) { executed.set_value(b); };
  fx.executor =
      std::make_unique<node::Executor>(*fx.store, fx.suite->hasher(), *fx.mempool, fx.codec, hooks);
  REQUIRE(fx.executor->Open(fx.genesis.block, fx.genesis.certificate).ok());
  CHECK(fx.executor->Last().height == 0);

  const pb::SignedBatch real = fx.Batch(1, 1, "committed");
  REQUIRE(fx.mempool->Admit(real).ok());
  const consensus::act::Execute e = fx.Committed(real);

  // A peer "provides" another block for height 1 before execution.
  const pb::SignedBatch other = fx.Batch(1, 2, "injected");
  BlockFields f;
  f.chain_id = fx.consortium.chain_id;
  f.height = 1;
  f.prev_hash = fx.genesis.block_id;
  f.timestamp_ms = fx.consortium.genesis_time_ms + 5;
  fx.executor->Provide(1, MakeBlock(fx.suite->hasher(), f, {other}));

  fx.executor->Start();
  fx.executor->Enqueue(e);
  auto future = executed.get_future();
  REQUIRE(future.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  const node::ExecutedBlock b = future.get();
  fx.executor->Stop();

  CHECK(b.height == 1);
  CHECK(b.block_id == e.cert.digest);
  REQUIRE(b.tx_ids.size() == 1);
  CHECK(b.tx_ids[0] == TxId(fx.suite->hasher(), real.transactions(0)));
  CHECK(fx.store->FindTx(TxId(fx.suite->hasher(), real.transactions(0))).has_value());
  CHECK_FALSE(fx.store->FindTx(TxId(fx.suite->hasher(), other.transactions(0))).has_value());
  // The stored certificate verifies against the stored block, offline.
  pb::Block stored;
  REQUIRE(stored.ParseFromString(*fx.store->BlockAt(1)));
  pb::CommitCertificate cert;
  REQUIRE(cert.ParseFromString(*fx.store->CertificateAt(1)));
  CHECK(VerifyCertificate(fx.suite->verifier(), fx.keys, fx.consortium.chain_id, 1,
                          BlockId(fx.suite->hasher(), stored.header()), cert)
            .ok());
  // Executed batches leave the mempool.
  CHECK(fx.mempool->batch_count() == 0);
}
