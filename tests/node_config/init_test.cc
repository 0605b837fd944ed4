// `fapiaod init` and the genesis it writes.
// Scenarios:
//   - init writes the documented layout; consortium.toml and every node.toml load
//     back; private keys are mode 0600; relative paths resolve into DIR.
//   - roles: 4 members get operator, provider, tax bureau, reimbursing org; every
//     size 1..9 includes the tax bureau and each market has one operator.
//   - the genesis block passes CheckBlock, VerifyBatch and VerifyCertificate with
//     the consortium's keys, and its transaction applies with ExecuteBlock on a
//     MemState without rejection (both suites, several consortium sizes).
//   - init refuses to overwrite an existing consortium unless forced; bad options
//     are refused.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <set>

#include "contracts/executor.h"
#include "contracts/kinds.h"
#include "ledger/core/block.h"
#include "ledger/core/state.h"
#include "node/init.h"
#include "tests/node_config/temp_dir.h"

using namespace fapiao;
using namespace fapiao::node;
using fapiao::test::TempDir;

namespace {

constexpr uint64_t kGenesisMs = 1'763'700'000'000;  // 2025-11-21

InitOptions Options(const TempDir& dir, uint32_t members, SuiteId suite) {
  InitOptions o;
  o.members = members;
  o.dir = dir.path().string();
  o.suite = suite;
  o.genesis_time_ms = kGenesisMs;
  return o;
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("init writes a consortium that loads back", "[init]") {
  TempDir dir;
  REQUIRE(InitConsortium(Options(dir, 4, SuiteId::kEd25519Sha256)).ok());

  for (const char* f : {"ca/ca.pem", "ca/ca.key", "ca/crl.pem", "consortium.toml", "genesis.block",
                        "genesis.cert"}) {
    INFO(f);
    CHECK(std::filesystem::is_regular_file(dir / f));
  }
  CHECK(Mode(dir / "ca/ca.key") == 0600);

  auto c = LoadConsortium(dir / "consortium.toml");
  REQUIRE(c.ok());
  CHECK(c->chain_id == "fapiao-local");
  CHECK(c->suite == SuiteId::kEd25519Sha256);
  CHECK(c->province_code == "53");
  CHECK(c->channel == "1");
  CHECK(c->genesis_time_ms == kGenesisMs);
  CHECK(c->genesis_file == dir / "genesis.block");
  CHECK(c->genesis_certificate_file == dir / "genesis.cert");
  CHECK(c->ca_pem == test::ReadAll(dir / "ca/ca.pem"));
  REQUIRE(c->members.size() == 4);
  const pb::Role roles[] = {pb::MARKET_OPERATOR, pb::PAYMENT_PROVIDER, pb::TAX_BUREAU,
                            pb::REIMBURSING_ORG};
  for (uint32_t i = 0; i < 4; ++i) {
    const MemberInfo& m = c->members[i];
    CHECK(m.index == i);
    CHECK(m.role == roles[i]);
    CHECK(m.p2p.ToString() == "127.0.0.1:" + std::to_string(7100 + i));
    CHECK(m.api.ToString() == "127.0.0.1:" + std::to_string(8100 + i));
    CHECK(m.tls_key_id.size() == 64);

    const std::string node = "node" + std::to_string(i);
    auto n = LoadNodeConfig(dir / (node + "/node.toml"));
    INFO(node << ": " << (n.ok() ? "" : n.status().ToString()));
    REQUIRE(n.ok());
    CHECK(n->member == i);
    CHECK(n->consortium_file == dir / "consortium.toml");
    CHECK(n->data_dir == dir / (node + "/data"));
    CHECK(n->log_dir == dir / (node + "/logs"));
    CHECK(n->signing_key_file == dir / (node + "/signing.key"));
    CHECK(n->tls_cert_file == dir / (node + "/tls.pem"));
    CHECK(n->tls_key_file == dir / (node + "/tls.key"));
    CHECK(n->crl_file == dir / "ca/crl.pem");
    CHECK(n->p2p_listen.ToString() == m.p2p.ToString());
    CHECK(n->api_listen.ToString() == m.api.ToString());
    CHECK(std::filesystem::is_directory(n->data_dir));
    CHECK(std::filesystem::is_directory(n->log_dir));
    CHECK(Mode(n->signing_key_file) == 0600);
    CHECK(Mode(n->tls_key_file) == 0600);
  }
  CHECK(c->members[0].markets == std::vector<std::string>{"puer-simao"});
  for (uint32_t i = 1; i < 4; ++i) CHECK(c->members[i].markets.empty());
}

TEST_CASE("default roles always include the tax bureau, markets kept once", "[init]") {
  for (uint32_t n = 1; n <= 9; ++n) {
    INFO("n = " << n);
    bool tax_bureau = false;
    std::set<std::string> markets;
    for (uint32_t i = 0; i < n; ++i) {
      const pb::Role r = DefaultRole(i, n);
      CHECK(r != pb::ROLE_UNSPECIFIED);
      tax_bureau = tax_bureau || r == pb::TAX_BUREAU;
      if (r == pb::MARKET_OPERATOR) {
        for (const auto& mk : DefaultMarkets(i)) CHECK(markets.insert(mk).second);
      }
    }
    CHECK(tax_bureau);
  }
}

TEST_CASE("the genesis block verifies and executes", "[init][genesis]") {
  const SuiteId suite_id = GENERATE(SuiteId::kEd25519Sha256, SuiteId::kSm2Sm3);
  const uint32_t members = GENERATE(1u, 2u, 4u, 7u);
  INFO("suite " << SuiteName(suite_id) << ", " << members << " members");
  TempDir dir;
  REQUIRE(InitConsortium(Options(dir, members, suite_id)).ok());
  auto c = LoadConsortium(dir / "consortium.toml");
  REQUIRE(c.ok());
  CHECK(c->suite == suite_id);

  auto suite = CryptoSuite::Create(suite_id);
  std::vector<Hash> keys;
  for (const auto& m : c->members) {
    auto id = suite->verifier().AddKey(m.signing_key_pem);
    REQUIRE(id.ok());
    keys.push_back(*id);
  }
  pb::Block block;
  REQUIRE(block.ParseFromString(test::ReadAll(dir / "genesis.block")));
  pb::CommitCertificate cert;
  REQUIRE(cert.ParseFromString(test::ReadAll(dir / "genesis.cert")));

  auto header = CheckBlock(suite->hasher(), c->chain_id, block);
  REQUIRE(header.ok());
  CHECK(header->height() == 0);
  CHECK(header->anchor_height() == 0);
  CHECK(header->proposer() == 0);
  CHECK(header->view() == 0);
  CHECK(header->timestamp_ms() == kGenesisMs);
  REQUIRE(block.batches_size() == 1);
  auto batch = VerifyBatch(suite->hasher(), suite->verifier(), keys, c->chain_id, block.batches(0));
  REQUIRE(batch.ok());
  REQUIRE(batch->txs.size() == 1);
  const pb::Transaction& tx = batch->txs[0].tx;
  CHECK(tx.kind() == static_cast<uint32_t>(contracts::TxKind::kGenesis));
  CHECK(tx.member() == 0);
  CHECK(tx.sequence() == 0);  // the member's node batcher starts at 1
  CHECK(tx.payload() == c->ToGenesis().SerializeAsString());

  const Hash id = BlockId(suite->hasher(), block.header());
  CHECK(cert.votes_size() == static_cast<int>(members));
  CHECK(VerifyCertificate(suite->verifier(), keys, c->chain_id, 0, id, cert).ok());
  auto loaded = LoadGenesis(*c);
  REQUIRE(loaded.ok());
  CHECK(loaded->block_id == id);
  CHECK(loaded->member_keys == keys);

  pb::Genesis g = c->ToGenesis();
  REQUIRE(g.members_size() == static_cast<int>(members));
  for (uint32_t i = 0; i < members; ++i) {
    auto key_id = suite->verifier().AddKey(g.members(static_cast<int>(i)).public_key());
    REQUIRE(key_id.ok());
    CHECK(*key_id == keys[i]);
  }

  MemState state;
  contracts::BlockContext ctx{Height{0}, header->timestamp_ms(), &suite->hasher()};
  std::vector<pb::Transaction> txs{tx};
  contracts::BlockResult result = contracts::ExecuteBlock(state, txs, ctx);
  REQUIRE(result.receipts.size() == 1);
  INFO("receipt code: " << result.receipts[0].code());
  CHECK(result.receipts[0].accepted());
  CHECK(!result.writes.empty());
}

TEST_CASE("a tampered genesis does not load", "[init][genesis]") {
  TempDir dir;
  REQUIRE(InitConsortium(Options(dir, 4, SuiteId::kEd25519Sha256)).ok());
  auto c = LoadConsortium(dir / "consortium.toml");
  REQUIRE(c.ok());
  Consortium other = *c;
  other.channel = "2";
  auto g = LoadGenesis(other);
  REQUIRE(!g.ok());
  CHECK(g.status().code() == "genesis.invalid");

  pb::CommitCertificate cert;
  REQUIRE(cert.ParseFromString(test::ReadAll(dir / "genesis.cert")));
  while (cert.votes_size() > 2) cert.mutable_votes()->RemoveLast();
  test::WriteAll(dir / "genesis.cert", cert.SerializeAsString());
  CHECK(!LoadGenesis(*c).ok());
}

TEST_CASE("init refuses to overwrite a consortium unless forced", "[init]") {
  TempDir dir;
  InitOptions o = Options(dir, 4, SuiteId::kEd25519Sha256);
  REQUIRE(InitConsortium(o).ok());
  const std::string before = test::ReadAll(dir / "consortium.toml");

  Status again = InitConsortium(o);
  REQUIRE(!again.ok());
  CHECK(again.code() == "init.exists");
  CHECK_THAT(again.message(), Catch::Contains(dir.path().string()));
  CHECK(test::ReadAll(dir / "consortium.toml") == before);

  // A leftover node folder alone is enough to refuse.
  TempDir other;
  std::filesystem::create_directories(other / "node3/data");
  Status leftover = InitConsortium(Options(other, 4, SuiteId::kEd25519Sha256));
  CHECK(leftover.code() == "init.exists");
  CHECK_THAT(leftover.message(), Catch::Contains("node3"));

  o.force = true;
  o.members = 2;
  REQUIRE(InitConsortium(o).ok());
  CHECK(test::ReadAll(dir / "consortium.toml") != before);
  CHECK(!std::filesystem::exists(dir / "node3"));
  auto c = LoadConsortium(dir / "consortium.toml");
  REQUIRE(c.ok());
  CHECK(c->members.size() == 2);
}

TEST_CASE("init refuses bad options", "[init]") {
  TempDir dir;
  InitOptions o = Options(dir, 4, SuiteId::kEd25519Sha256);
  SECTION("no members") {
    o.members = 0;
  }
  SECTION("too many members") {
    o.members = 65;
  }
  SECTION("ports past 65535") {
    o.p2p_base_port = 65534;
  }
  SECTION("overlapping port ranges") {
    o.api_base_port = 7102;
  }
  SECTION("province") {
    o.province_code = "5";
  }
  SECTION("channel") {
    o.channel = "x";
  }
  SECTION("chain id") {
    o.chain_id = "has space";
  }
  SECTION("no folder") {
    o.dir.clear();
  }
  Status s = InitConsortium(o);
  CHECK(s.code() == "init.options");
  CHECK(!std::filesystem::exists(dir / "consortium.toml"));
}
