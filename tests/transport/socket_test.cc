// Transport over real sockets on 127.0.0.1 (ports chosen by the OS), all in one process.
// Scenarios:
//  1. three members exchange frames in every direction (unicast and broadcast), links report up;
//     Stop() leaves the io_context with no work.
//  2. a node certificate from a foreign CA claiming member 2 is refused and counted; the
//     members keep exchanging and nothing it sent is delivered.
//  3. an expired member certificate is refused by both others, which keep exchanging.
//  4. after a CRL revoking member 2 is written and ReloadRevocations() called, member 2's live
//     links to member 0 are dropped and its reconnects refused; members 0 and 1 keep exchanging.
//  5. a raw TCP client sending random bytes, and a TLS client with a valid certificate sending a
//     bad frame length, are disconnected and counted; the members keep exchanging.
//  6. a peer that never reads: the sender's queue stays within its byte limit and frames are
//     dropped and counted, while another peer keeps receiving.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "tests/transport/harness.h"

namespace fapiao::transport::testing {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;

std::vector<TransportConfig> FullMesh(const TestPki& pki, const std::vector<Member>& members) {
  std::vector<TransportConfig> configs;
  for (const Member& self : members) {
    std::vector<Member> peers;
    for (const Member& m : members) {
      if (m.index != self.index) peers.push_back(m);
    }
    configs.push_back(ConfigFor(pki, self, peers));
  }
  return configs;
}

// Reads from `socket` until the server closes it; true if that happened within the deadline.
template <typename Stream>
bool ClosedByServer(asio::io_context& io, Stream& stream) {
  bool closed = false;
  std::array<char, 512> buf{};
  std::function<void()> read = [&] {
    stream.async_read_some(asio::buffer(buf), [&](const boost::system::error_code& ec, size_t) {
      if (ec) {
        closed = true;
      } else {
        read();
      }
    });
  };
  read();
  io.run_for(std::chrono::seconds(10));
  return closed;
}

std::string TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() /
                      ("fapiao-transport-" + std::string(6, 'X')))  // mkdtemp template
                         .string();
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  return tmpl;
}

TEST_CASE("three members exchange frames in every direction", "[transport]") {
  TestPki pki;
  std::vector<Member> members{pki.Issue(0), pki.Issue(1), pki.Issue(2)};
  IoThreads threads(2);
  auto nodes = StartCluster(threads.io(), members, FullMesh(pki, members));
  REQUIRE(ExchangeAll({&nodes[0], &nodes[1], &nodes[2]}, "unicast", 20));

  REQUIRE(nodes[1].transport->Broadcast("hello from 1") == 2);
  for (int i : {0, 2}) {
    REQUIRE(nodes[i].recorder->WaitFrames([](const auto& frames) {
      for (const auto& [f, p] : frames) {
        if (f == 1 && p == "hello from 1") return true;
      }
      return false;
    }));
  }
  for (auto& n : nodes) {
    auto stats = n.transport->Stats();
    CHECK(stats.refused_handshakes == 0);
    CHECK(stats.garbage_disconnects == 0);
    CHECK(stats.dropped_frames == 0);
    for (const auto& p : stats.peers) {
      CHECK(p.outbound_up);
      CHECK(p.frames_received >= 20);
      CHECK(p.frames_sent >= 20);
      CHECK(p.bytes_sent > p.frames_sent * 4);
    }
  }
  CHECK_FALSE(nodes[0].transport->Send(1, ""));
  CHECK_FALSE(nodes[0].transport->Send(7, "no such peer"));
  for (auto& n : nodes) n.transport->Stop();
  CHECK(threads.Drain(std::chrono::seconds(10)));
}

TEST_CASE("a certificate from a foreign CA cannot connect", "[transport]") {
  TestPki pki;
  TestPki foreign("foreign CA");
  std::vector<Member> members{pki.Issue(0), pki.Issue(1), pki.Issue(2)};
  IoThreads threads(2);
  auto nodes = StartCluster(threads.io(), members, FullMesh(pki, members));

  // Claims to be member 2, trusts the real CA, but its certificate is from another CA.
  Member impostor = foreign.Issue(2);
  TransportConfig ic = ConfigFor(pki, impostor, {members[0]});
  ic.cert_pem = impostor.cert.cert_pem;
  ic.key_pem = impostor.cert.key_pem;
  Recorder impostor_rec;
  auto intruder = CreateOrThrow(threads.io(), ic, impostor_rec);
  REQUIRE(intruder->SetPeerAddress(0, "127.0.0.1", nodes[0].transport->listen_port()).ok());
  intruder->Start();
  intruder->Send(0, "intruder");

  REQUIRE(Eventually([&] { return nodes[0].transport->Stats().refused_handshakes >= 2; }));
  REQUIRE(ExchangeAll({&nodes[0], &nodes[1], &nodes[2]}, "during-intrusion"));
  CHECK(nodes[0].recorder->Count(2, "intruder") == 0);
  CHECK(PeerOfStats(nodes[0].transport->Stats(), 2).inbound_links == 1);  // the real member 2
  intruder->Stop();
}

TEST_CASE("an expired certificate is refused", "[transport]") {
  TestPki pki;
  std::vector<Member> members{pki.Issue(0), pki.Issue(1), pki.Issue(2, /*expired=*/true)};
  IoThreads threads(2);
  auto nodes = StartCluster(threads.io(), members, FullMesh(pki, members));
  REQUIRE(ExchangeAll({&nodes[0], &nodes[1]}, "without-expired"));
  nodes[2].transport->Send(0, "expired");
  REQUIRE(Eventually([&] {
    return nodes[0].transport->Stats().refused_handshakes >= 2 &&
           nodes[1].transport->Stats().refused_handshakes >= 2;
  }));
  for (int i : {0, 1}) {
    const auto& p = PeerOfStats(nodes[i].transport->Stats(), 2);
    CHECK_FALSE(p.outbound_up);
    CHECK(p.inbound_links == 0);
    CHECK(p.frames_received == 0);
  }
}

TEST_CASE("a revoked member is dropped and refused after ReloadRevocations", "[transport]") {
  TestPki pki;
  std::vector<Member> members{pki.Issue(0), pki.Issue(1), pki.Issue(2)};
  const std::string dir = TempDir();
  const std::string crl = dir + "/crl.pem";
  REQUIRE(WriteTextFileAtomic(crl, pki.Crl({})).ok());
  auto configs = FullMesh(pki, members);
  configs[0].crl_path = crl;
  IoThreads threads(2);
  auto nodes = StartCluster(threads.io(), members, configs);
  REQUIRE(ExchangeAll({&nodes[0], &nodes[1], &nodes[2]}, "before-revocation"));
  REQUIRE(Eventually([&] { return PeerOfStats(nodes[0].transport->Stats(), 2).outbound_up; }));

  REQUIRE(WriteTextFileAtomic(crl, pki.Crl({members[2].serial})).ok());
  REQUIRE(nodes[0].transport->ReloadRevocations().ok());
  REQUIRE(Eventually([&] {
    auto s = nodes[0].transport->Stats();
    const auto& p = PeerOfStats(s, 2);
    return !p.outbound_up && p.inbound_links == 0 && s.refused_handshakes >= 2;
  }));
  nodes[2].transport->Send(0, "after-revocation");
  REQUIRE(ExchangeAll({&nodes[0], &nodes[1]}, "after-revocation"));
  REQUIRE(ExchangeAll({&nodes[1], &nodes[2]}, "others-unaffected"));
  CHECK(nodes[0].recorder->Count(2, "after-revocation") == 0);
  CHECK_FALSE(PeerOfStats(nodes[0].transport->Stats(), 2).outbound_up);

  REQUIRE(WriteTextFileAtomic(crl, "not a CRL").ok());
  CHECK(nodes[0].transport->ReloadRevocations().code() == "pki.bad_crl");
  std::filesystem::remove_all(dir);
}

TEST_CASE("garbage senders are disconnected and counted", "[transport]") {
  TestPki pki;
  std::vector<Member> members{pki.Issue(0), pki.Issue(1), pki.Issue(2)};
  IoThreads threads(2);
  auto nodes = StartCluster(threads.io(), members, FullMesh(pki, members));
  REQUIRE(ExchangeAll({&nodes[0], &nodes[1], &nodes[2]}, "before-garbage"));
  const tcp::endpoint target(asio::ip::make_address("127.0.0.1"),
                             nodes[0].transport->listen_port());

  SECTION("raw TCP random bytes") {
    const uint32_t seed = 20261121;
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    std::string junk(1024, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    junk[0] = 'G';  // not a TLS handshake record, so the server cannot wait for more
    asio::io_context cio;
    tcp::socket socket(cio);
    socket.connect(target);
    boost::system::error_code ec;
    asio::write(socket, asio::buffer(junk), ec);
    CHECK(ClosedByServer(cio, socket));
    CHECK(Eventually([&] { return nodes[0].transport->Stats().garbage_disconnects >= 1; }));
  }
  SECTION("valid TLS client, bad frame length") {
    asio::io_context cio;
    asio::ssl::context tls(asio::ssl::context::tls_client);
    tls.use_certificate_chain(asio::buffer(members[2].cert.cert_pem));
    tls.use_private_key(asio::buffer(members[2].cert.key_pem), asio::ssl::context::pem);
    tls.add_certificate_authority(asio::buffer(pki.ca().cert_pem));
    tls.set_verify_mode(asio::ssl::verify_peer);
    asio::ssl::stream<tcp::socket> stream(cio, tls);
    stream.lowest_layer().connect(target);
    stream.handshake(asio::ssl::stream_base::client);
    boost::system::error_code ec;
    asio::write(stream, asio::buffer(std::string("\xff\xff\xff\xff", 4)), ec);
    CHECK_FALSE(ec);
    CHECK(ClosedByServer(cio, stream));
    CHECK(Eventually([&] { return nodes[0].transport->Stats().garbage_disconnects >= 1; }));
  }
  CHECK(nodes[0].transport->Stats().refused_handshakes == 0);
  REQUIRE(ExchangeAll({&nodes[0], &nodes[1], &nodes[2]}, "after-garbage"));
}

TEST_CASE("a peer that never reads costs bounded memory", "[transport]") {
  TestPki pki;
  std::vector<Member> members{pki.Issue(0), pki.Issue(1), pki.Issue(2)};
  auto configs = FullMesh(pki, members);
  constexpr uint64_t kQueueLimit = 2u << 20;
  configs[0].max_send_queue_bytes = kQueueLimit;
  configs[0].max_frame_bytes = 1u << 20;
  IoThreads threads(2);
  IoThreads stalled(1);  // member 1 runs here; its handler blocks, so it stops reading
  std::vector<Node> nodes(3);
  for (size_t i = 0; i < 3; ++i) {
    nodes[i].member = members[i];
    nodes[i].transport =
        CreateOrThrow(i == 1 ? stalled.io() : threads.io(), configs[i], *nodes[i].recorder);
  }
  for (auto& n : nodes) {
    for (auto& o : nodes) {
      if (&n != &o) {
        REQUIRE(n.transport->SetPeerAddress(o.member.index, "127.0.0.1", o.transport->listen_port())
                    .ok());
      }
    }
  }
  nodes[1].recorder->BlockFrames();
  for (auto& n : nodes) n.transport->Start();

  const std::string big(256 * 1024, 'x');
  size_t refused_sends = 0;
  for (int i = 0; i < 400; ++i) {
    refused_sends += nodes[0].transport->Send(1, big) ? 0 : 1;
    REQUIRE(PeerOfStats(nodes[0].transport->Stats(), 1).queued_bytes <= kQueueLimit);
  }
  // Keep offering until the link is up and the socket buffers are full: drops must persist.
  REQUIRE(Eventually([&] {
    refused_sends += nodes[0].transport->Send(1, big) ? 0 : 1;
    const auto p = PeerOfStats(nodes[0].transport->Stats(), 1);
    return p.outbound_up && p.frames_sent > 0 && p.queued_bytes + big.size() + 4 > kQueueLimit;
  }));
  auto stats = nodes[0].transport->Stats();
  const auto& p1 = PeerOfStats(stats, 1);
  CHECK(refused_sends > 0);
  CHECK(p1.frames_dropped >= refused_sends);
  CHECK(stats.dropped_frames >= refused_sends);
  CHECK(p1.queued_bytes <= kQueueLimit);
  CHECK(p1.frames_sent < 400);

  REQUIRE(ExchangeAll({&nodes[0], &nodes[2]}, "healthy-peer"));
  nodes[1].recorder->Release();
}

}  // namespace
}  // namespace fapiao::transport::testing
