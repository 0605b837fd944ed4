// fapiao-node-bench: a local consortium of real fapiaod processes (TLS, fsync,
// RocksDB) under load from member-signed batches posted straight to the nodes'
// batch endpoint (protobuf, no JSON API). Closed loop: `concurrency` batches in
// flight, each answered when executed. Prints the machine, committed
// transactions/s, batch commit latency p50/p99, and CPU seconds per 1,000
// transactions (nodes and this client).
//   fapiao-node-bench [--crypto ed25519-sha256|sm2-sm3] [--kind heartbeat|attest]
//                     [--batch 100] [--concurrency 8] [--seconds 10]
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench/machine.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "contracts/kinds.h"
#include "contracts/taxpayer_id.h"
#include "ledger/core/batch.h"
#include "node/http_get.h"
#include "node/transport/pki.h"
#include "proto/contracts.pb.h"
#include "tests/node/cluster.h"

extern char** environ;

namespace {

using namespace fapiao;
using bench::SelfCpuSeconds;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

using bench::CpuModel;

double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = s.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(s.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// One keep-alive connection.
class Client {
 public:
  explicit Client(uint16_t port) : stream_(io_) {
    tcp::resolver r(io_);
    stream_.connect(r.resolve("127.0.0.1", std::to_string(port)));
  }
  int Post(const std::string& target, const std::string& body) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/x-protobuf");
    req.body() = body;
    req.prepare_payload();
    http::write(stream_, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream_, buf, res);
    return static_cast<int>(res.result_int());
  }

 private:
  boost::asio::io_context io_;
  beast::tcp_stream stream_;
};

std::string Uscc(uint32_t serial) {
  std::string s = std::to_string(serial);
  while (s.size() < 7) s.insert(0, "0");
  const std::string first17 = "9253080000" + s;
  return first17 + *contracts::UsccCheckChar(first17);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fapiao-node-bench: a local consortium under member-signed batch load"};
  std::string crypto = "ed25519-sha256", kind = "heartbeat";
  uint32_t batch = 100, concurrency = 8, members = 4;
  double seconds = 10;
  app.add_option("--crypto", crypto);
  app.add_option("--kind", kind)->check(CLI::IsMember({"heartbeat", "attest"}));
  app.add_option("--batch", batch);
  app.add_option("--concurrency", concurrency);
  app.add_option("--seconds", seconds);
  std::vector<std::string> settings;
  app.add_option("--set", settings,
                 "override a node.toml setting on every node, e.g. proposal_delay_ms=5");
  CLI11_PARSE(app, argc, argv);

  auto suite_id = ParseSuite(crypto);
  if (!suite_id) return 2;
  auto suite = CryptoSuite::Create(*suite_id);
  testing::Cluster cluster(members, crypto);  // fapiaod init into a temporary folder
  const std::string dir = cluster.dir();
  for (const std::string& kv : settings) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) return 2;
    const std::string key = kv.substr(0, eq);
    for (uint32_t i = 0; i < members; ++i) {
      const std::string path = dir + "/node" + std::to_string(i) + "/node.toml";
      std::ifstream in(path);
      std::string text, line;
      bool found = false;
      while (std::getline(in, line)) {
        if (line.rfind(key + " =", 0) == 0) {
          line = key + " = " + kv.substr(eq + 1);
          found = true;
        }
        text += line + "\n";
      }
      if (!found) {
        std::fprintf(stderr, "no setting %s in node.toml\n", key.c_str());
        return 2;
      }
      std::ofstream(path) << text;
    }
  }
  for (uint32_t i = 0; i < members; ++i) cluster.Start(i);
  auto api = [&](uint32_t i) { return cluster.api_port(i); };
  testing::Cluster::WaitFor(std::chrono::seconds(30), [&] {
    for (uint32_t i = 0; i < members; ++i) {
      if (!cluster.Height(i)) return false;
    }
    return true;
  });
  std::vector<pid_t> pids;
  for (uint32_t i = 0; i < members; ++i) pids.push_back(cluster.pid(i));
  std::vector<std::unique_ptr<Signer>> signers;
  for (uint32_t m = 0; m < members; ++m) {
    auto pem = transport::ReadTextFile(dir + "/node" + std::to_string(m) + "/signing.key");
    auto signer = suite->LoadSigner(*pem);
    signers.push_back(std::move(signer).value());
  }
  const std::string chain = "fapiao-local";
  const std::string vendor = "bench-vendor";
  if (kind == "attest") {
    pb::RegisterVendor rv;
    auto* info = rv.mutable_info();
    info->set_vendor_id(vendor);
    info->set_name("Bench stall");
    info->mutable_taxpayer_id()->set_kind(pb::USCC);
    info->mutable_taxpayer_id()->set_value(Uscc(1234567));
    info->set_market("puer-simao");
    info->set_stall("B-1");
    info->set_taxpayer_type(pb::SMALL_SCALE);
    const std::string body =
        "{\"kind\":" + std::to_string(static_cast<uint32_t>(contracts::TxKind::kRegisterVendor)) +
        ",\"payload_hex\":\"" + ToHex(rv.SerializeAsString()) + "\"}";
    auto r = node::HttpCall("127.0.0.1", api(0), "POST", "/v1/transactions", body,
                            "application/json", std::chrono::seconds(30));
    if (!r.ok() || r->body.find("\"accepted\":true") == std::string::npos) {
      std::fprintf(stderr, "vendor registration failed: %s\n",
                   r.ok() ? r->body.c_str() : r.status().ToString().c_str());
      return 1;
    }
  }

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> committed{0}, errors{0}, next_batch{0};
  std::mutex lat_mu;
  std::vector<double> latencies;
  std::vector<double> node_cpu0;
  for (pid_t p : pids) node_cpu0.push_back(CpuSeconds(p));
  const double self_cpu0 = SelfCpuSeconds();
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      const uint32_t target = t % members;
      Client client(api(target));
      std::vector<double> mine;
      while (!stop.load()) {
        const uint64_t b = next_batch++;
        const uint32_t member = kind == "attest" ? 1 : 1 + static_cast<uint32_t>(b % 3);
        std::vector<Bytes> txs;
        for (uint32_t i = 0; i < batch; ++i) {
          pb::Transaction tx;
          tx.set_chain_id(chain);
          tx.set_member(member);
          tx.set_sequence(b * 100000 + i + 1);
          if (kind == "attest") {
            pb::AttestPayment p;
            p.set_vendor_id(vendor);
            p.set_amount_fen(1000 + static_cast<int64_t>(i));
            p.set_paid_at_ms(1795200000000ULL);
            p.set_reference("bench-" + std::to_string(b) + "-" + std::to_string(i));
            p.set_claim_token_hash(suite->hasher().Digest(p.reference()).ToBytes());
            tx.set_kind(static_cast<uint32_t>(contracts::TxKind::kAttestPayment));
            tx.set_payload(p.SerializeAsString());
          } else {
            tx.set_kind(static_cast<uint32_t>(contracts::TxKind::kHeartbeat));
            tx.set_payload(std::string(256, static_cast<char>('a' + i % 26)));
          }
          txs.push_back(tx.SerializeAsString());
        }
        auto sb = MakeSignedBatch(suite->hasher(), *signers[member], chain, MemberId{member}, b + 1,
                                  std::move(txs));
        const auto t0 = Clock::now();
        int status = 0;
        try {
          status = client.Post("/v1/batches?wait=true", sb.SerializeAsString());
        } catch (const std::exception&) {
          status = -1;
        }
        if (status == 200) {
          committed += batch;
          mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        } else {
          ++errors;
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      }
      std::lock_guard lock(lat_mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  // Progress line each second.
  uint64_t last = 0;
  for (int s = 1; s <= static_cast<int>(seconds); ++s) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const uint64_t c = committed.load();
    std::fprintf(stderr, "  t=%2ds committed %8llu (+%llu/s) errors %llu\n", s,
                 static_cast<unsigned long long>(c), static_cast<unsigned long long>(c - last),
                 static_cast<unsigned long long>(errors.load()));
    last = c;
  }
  stop = true;
  for (auto& th : threads) th.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  double node_cpu = 0;
  for (size_t i = 0; i < pids.size(); ++i) node_cpu += CpuSeconds(pids[i]) - node_cpu0[i];
  const double self_cpu = SelfCpuSeconds() - self_cpu0;
  for (uint32_t i = 0; i < members; ++i) cluster.Terminate(i);

  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double q) {
    return latencies.empty() ? 0.0
                             : latencies[std::min(
                                   latencies.size() - 1,
                                   static_cast<size_t>(q * static_cast<double>(latencies.size())))];
  };
  const double tps = static_cast<double>(committed.load()) / elapsed;
  std::printf("machine: %u cores, %s\n", std::thread::hardware_concurrency(), CpuModel().c_str());
  std::printf("consortium: %u nodes, %s, fsync on, kind %s, batch %u, concurrency %u, %.1f s\n",
              members, crypto.c_str(), kind.c_str(), batch, concurrency, elapsed);
  std::printf(
      "committed %.0f tx/s (%llu transactions, %llu errors); batch commit latency p50 %.1f ms p99 "
      "%.1f ms\n",
      tps, static_cast<unsigned long long>(committed.load()),
      static_cast<unsigned long long>(errors.load()), pct(0.50), pct(0.99));
  const double per_k = committed.load() > 0 ? 1000.0 / static_cast<double>(committed.load()) : 0;
  std::printf("cpu per 1,000 tx: nodes %.3f s (4 nodes together), client %.3f s\n",
              node_cpu * per_k, self_cpu * per_k);
  return 0;
}
