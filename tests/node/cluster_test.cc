// Multi-process consortium tests: real fapiaod processes on loopback, real TLS,
// real RocksDB, kill -9. Bounded in time; every wait has a deadline.
// Scenarios (each with ed25519-sha256, and with sm2-sm3 on a smaller load):
//   1. 4 nodes; transactions submitted as member-signed batches to members 1-3;
//      the primary (member 0) is killed -9 mid-stream; every transaction commits;
//      the primary restarts and catches up; all four hold identical block ids at
//      every height.
//   2. A node whose data folder is wiped syncs the whole chain from its peers.
//   3. A peer with a certificate from a foreign CA cannot connect and random
//      bytes on a peer port are dropped, both counted; the cluster keeps committing.
#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <random>
#include <thread>

#include "node/transport/pki.h"
#include "node/transport/transport.h"
#include "tests/node/cluster.h"

using namespace fapiao;
using fapiao::testing::Cluster;
using namespace std::chrono_literals;

namespace {

constexpr uint32_t kHeartbeat = 6;

struct Load {
  std::vector<Hash> ids;
  uint64_t next_batch = 0;
};

// Submits `batches` batches of `per_batch` 256-byte transactions, round-robin to
// members 1..3 (signed by that member), calling between(k) before batch k.
void Submit(Cluster& c, Load& load, uint32_t batches, uint32_t per_batch,
            const std::function<void(uint32_t)>& between = nullptr) {
  std::vector<std::unique_ptr<Signer>> signers;
  for (uint32_t m = 0; m < c.size(); ++m) signers.push_back(c.LoadSigner(m));
  for (uint32_t k = 0; k < batches; ++k) {
    if (between) between(k);
    const uint64_t b = load.next_batch++;
    uint32_t member = 1 + static_cast<uint32_t>(b % 3);
    while (!c.Running(member)) member = 1 + member % 3;  // submit through running members
    std::vector<Bytes> txs;
    for (uint32_t i = 0; i < per_batch; ++i) {
      pb::Transaction tx;
      tx.set_chain_id(c.chain_id());
      tx.set_kind(kHeartbeat);
      tx.set_member(member);
      tx.set_sequence(1'000'000'000'000ULL + b * 10'000 + i);
      tx.set_payload(std::string(256, static_cast<char>('a' + i % 26)));
      txs.push_back(tx.SerializeAsString());
      load.ids.push_back(TxId(c.suite().hasher(), txs.back()));
    }
    auto batch = MakeSignedBatch(c.suite().hasher(), *signers[member], c.chain_id(),
                                 MemberId{member}, 1'000'000'000ULL + b, std::move(txs));
    // Retry on back-pressure or a node that is momentarily away.
    bool ok = Cluster::WaitFor(20s, [&] {
      auto r = c.Post(member, "/v1/batches", batch.SerializeAsString(), "application/x-protobuf");
      return r.ok() && (r->status == 202 || r->status == 409);
    });
    REQUIRE(ok);
  }
}

bool AllCommitted(const Cluster& c, uint32_t node, const std::vector<Hash>& ids) {
  for (size_t i = ids.size(); i-- > 0;) {
    auto r = c.Get(node, "/v1/transactions/" + ids[i].ToHex());
    if (!r.ok() || r->status != 200) return false;
  }
  return true;
}

void RequireSameChain(const Cluster& c, const std::vector<uint32_t>& nodes) {
  uint64_t height = UINT64_MAX;
  for (uint32_t n : nodes) height = std::min(height, c.Height(n).value_or(0));
  REQUIRE(height > 0);
  for (uint64_t h = 0; h <= height; ++h) {
    const auto first = c.BlockId(nodes[0], h);
    REQUIRE(first.has_value());
    for (uint32_t n : nodes) {
      INFO("height " << h << " node " << n);
      REQUIRE(c.BlockId(n, h) == first);
    }
  }
}

bool CaughtUp(const Cluster& c, uint32_t laggard, uint32_t reference) {
  auto a = c.Height(laggard);
  auto b = c.Height(reference);
  return a && b && *a >= *b;
}

void KillPrimaryMidStream(const std::string& crypto, uint32_t batches, uint32_t per_batch) {
  Cluster c(4, crypto);
  for (uint32_t i = 0; i < 4; ++i) c.Start(i);
  REQUIRE(Cluster::WaitFor(30s, [&] {
    for (uint32_t i = 0; i < 4; ++i) {
      if (!c.Height(i)) return false;
    }
    return true;
  }));
  Load load;
  Submit(c, load, batches, per_batch, [&](uint32_t k) {
    if (k == batches / 3) c.Kill(0);  // the primary of view 0, mid-stream
  });
  INFO("cluster folder " << c.dir());
  REQUIRE(Cluster::WaitFor(120s, [&] { return AllCommitted(c, 1, load.ids); }));
  CHECK(AllCommitted(c, 2, load.ids));
  CHECK(AllCommitted(c, 3, load.ids));
  CHECK(c.Metric(1, "fapiao_view") >= 1);

  // The old primary restarts from its disk and catches up by itself.
  c.Start(0);
  REQUIRE(Cluster::WaitFor(120s, [&] { return CaughtUp(c, 0, 1); }));
  CHECK(AllCommitted(c, 0, load.ids));
  RequireSameChain(c, {0, 1, 2, 3});

  // A node wiped clean syncs the whole chain from its peers.
  c.Terminate(2);
  c.Wipe(2);
  c.Start(2);
  REQUIRE(Cluster::WaitFor(120s, [&] { return CaughtUp(c, 2, 1); }));
  RequireSameChain(c, {0, 1, 2, 3});
  CHECK(c.Metric(2, "fapiao_fetched_blocks_total") > 0);

  // It votes again: with member 3 stopped, commits need member 2.
  c.Terminate(3);
  Load more;
  more.next_batch = load.next_batch;
  Submit(c, more, 3, 10);
  REQUIRE(Cluster::WaitFor(120s, [&] { return AllCommitted(c, 1, more.ids); }));
}

}  // namespace

TEST_CASE(
    "ed25519: primary killed mid-stream, every transaction commits, restart and wipe catch up",
    "[node][cluster]") {
  KillPrimaryMidStream("ed25519-sha256", 100, 100);  // 10,000 transactions
}

TEST_CASE(
    "sm2-sm3: primary killed mid-stream, every transaction commits, restart and wipe catch up",
    "[node][cluster][sm2]") {
  KillPrimaryMidStream("sm2-sm3", 30, 100);
}

TEST_CASE("foreign certificates and garbage are refused while the cluster keeps committing",
          "[node][cluster][tls]") {
  Cluster c(4, "ed25519-sha256");
  for (uint32_t i = 0; i < 4; ++i) c.Start(i);
  REQUIRE(Cluster::WaitFor(30s, [&] { return c.Height(1).has_value(); }));

  // Random bytes on member 1's peer port.
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket s(io);
    boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"), c.p2p_port(1));
    s.connect(ep);
    std::mt19937 rng(7);
    std::string junk(4096, '\0');
    for (auto& ch : junk) ch = static_cast<char>(rng());
    boost::system::error_code ec;
    boost::asio::write(s, boost::asio::buffer(junk), ec);
  }
  REQUIRE(Cluster::WaitFor(
      10s, [&] { return c.Metric(1, "fapiao_p2p_garbage_disconnects_total") >= 1; }));

  // A node certificate from a foreign CA, claiming to be member 3.
  const auto now = std::chrono::system_clock::now();
  auto ca =
      transport::GenerateCa("rogue-ca", 1, transport::ValidFor(std::chrono::hours(24), now - 1h));
  REQUIRE(ca.ok());
  auto cert = transport::IssueNodeCertificate(
      *ca, {"reimbursing-org-3", 3, 99, transport::ValidFor(std::chrono::hours(24), now - 1h)});
  REQUIRE(cert.ok());
  auto node1_cert = transport::ReadTextFile(c.dir() + "/node1/tls.pem");
  REQUIRE(node1_cert.ok());
  auto ca_pem = transport::ReadTextFile(c.dir() + "/ca/ca.pem");
  REQUIRE(ca_pem.ok());
  struct Sink : transport::TransportHandler {
    void OnFrame(uint32_t, std::string) override {}
  } sink;
  transport::TransportConfig tc;
  tc.self_index = 3;
  tc.listen_port = 0;
  tc.cert_pem = cert->cert_pem;
  tc.key_pem = cert->key_pem;
  tc.ca_pem = *ca_pem;
  tc.peers.push_back({1, "payment-provider-1", "127.0.0.1", c.p2p_port(1),
                      *transport::KeyIdOfCertificate(*node1_cert)});
  boost::asio::io_context io;
  auto rogue = transport::Transport::Create(io, tc, sink);
  REQUIRE(rogue.ok());
  (*rogue)->Start();
  std::thread t([&] { io.run_for(5s); });
  REQUIRE(Cluster::WaitFor(
      10s, [&] { return c.Metric(1, "fapiao_p2p_refused_handshakes_total") >= 1; }));
  (*rogue)->Stop();
  t.join();

  // The cluster keeps committing, also through every node's own member batcher
  // (member 0's first sequence must not collide with the genesis transaction).
  for (uint32_t i = 0; i < 4; ++i) {
    auto r = c.Post(i, "/v1/transactions", R"({"kind": 6, "payload_hex": "70726f6265"})");
    REQUIRE(r.ok());
    INFO(r->body);
    CHECK(r->status == 200);
    CHECK(r->body.find("\"accepted\":true") != std::string::npos);
  }
  // Admission refuses what a member's role may never send: a payment provider
  // (member 1) registering a vendor, and the genesis kind.
  {
    auto r = c.Post(1, "/v1/transactions", R"({"kind": 10, "payload_hex": ""})");
    REQUIRE(r.ok());
    CHECK(r->status == 403);
    CHECK(r->body.find("mempool.role") != std::string::npos);
    r = c.Post(2, "/v1/transactions", R"({"kind": 1, "payload_hex": ""})");
    REQUIRE(r.ok());
    CHECK(r->status == 403);
  }
  Load load;
  Submit(c, load, 5, 20);
  REQUIRE(Cluster::WaitFor(60s, [&] { return AllCommitted(c, 1, load.ids); }));
  CHECK(AllCommitted(c, 3, load.ids));
}
