// fapiaod: the fapiao node daemon.
//   fapiaod init --members 4 --dir DIR [--crypto sm2-sm3] [--force]
//   fapiaod run --config DIR/node0/node.toml
//   fapiaod status --config DIR/node0/node.toml
//   fapiaod keys add|list|revoke --config DIR/node0/node.toml ... (docs/auth.md)
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "api/auth/keys_command.h"
#include "api/http_server.h"
#include "api/merchant/merchant_api.h"
#include "api/metrics.h"
#include "node/api_routes.h"
#include "node/config.h"
#include "node/http_get.h"
#include "node/init.h"
#include "node/merchant_ports.h"
#include "node/node.h"
#include "node/node_api.h"

namespace {

using namespace fapiao;

int Fail(const Status& s) {
  std::fprintf(stderr, "fapiaod: %s\n", s.ToString().c_str());
  return 1;
}

int RunInit(const node::InitOptions& options) {
  if (Status s = node::InitConsortium(options); !s.ok()) return Fail(s);
  std::printf("wrote a %u-member %s consortium to %s\n", options.members,
              std::string(SuiteName(options.suite)).c_str(), options.dir.c_str());
  for (uint32_t i = 0; i < options.members; ++i) {
    std::printf("  fapiaod run --config %s/node%u/node.toml\n", options.dir.c_str(), i);
  }
  return 0;
}

int RunNode(const std::string& config_path, unsigned io_threads) {
  auto config = node::LoadNodeConfig(config_path);
  if (!config.ok()) return Fail(config.status());
  auto consortium = node::LoadConsortium(config->consortium_file);
  if (!consortium.ok()) return Fail(consortium.status());
  auto n = node::Node::Create(*config, *consortium);
  if (!n.ok()) return Fail(n.status());
  node::Node& nd = **n;

  api::MetricsRegistry metrics;
  nd.RegisterMetrics(metrics);
  api::Router router;
  // Every route (node, merchant, /openapi.json) is added by NodeApi, which the
  // OpenAPI test (tests/openapi) assembles the same way.
  auto node_api = node::NodeApi::Open(nd);
  if (!node_api.ok()) return Fail(node_api.status());
  (*node_api)->AddRoutes(router);
  boost::asio::io_context http_io;
  api::ServerOptions so;
  so.host = config->api_listen.host;
  so.port = config->api_listen.port;
  so.metrics = &metrics;
  api::HttpServer server(http_io, std::move(router), so);

  if (Status s = nd.Start(io_threads); !s.ok()) return Fail(s);
  if (Status s = server.Start(); !s.ok()) {
    nd.Stop();
    return Fail(s);
  }
  boost::asio::signal_set signals(http_io, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (sig == SIGHUP) {
          nd.ReloadRevocations();
          signals.async_wait(on_signal);
          return;
        }
        nd.RequestStop();
      };
  signals.async_wait(on_signal);
  std::vector<std::thread> http_threads;
  for (int i = 0; i < 2; ++i) http_threads.emplace_back([&] { http_io.run(); });
  const int code = nd.Wait();
  server.Stop(std::chrono::seconds(3), [&] { http_io.stop(); });
  signals.cancel();
  nd.Stop();
  for (auto& t : http_threads) t.join();
  return code;
}

int RunStatus(const std::string& config_path) {
  auto config = node::LoadNodeConfig(config_path);
  if (!config.ok()) return Fail(config.status());
  auto reply =
      node::HttpCall(config->api_listen.host, config->api_listen.port, "GET", "/v1/status");
  if (!reply.ok()) {
    std::printf("member %u: not reachable at %s (%s)\n", config->member,
                config->api_listen.ToString().c_str(), reply.status().message().c_str());
    return 2;
  }
  auto j = nlohmann::json::parse(reply->body, nullptr, false);
  if (j.is_discarded()) return Fail(Status::Error("status.bad_reply", reply->body));
  std::printf(
      "member %u (%s): height %llu view %llu%s peers %u/%u mempool %llu%s\n", j.value("member", 0u),
      j.value("name", std::string()).c_str(),
      static_cast<unsigned long long>(j.value("height", 0ull)),
      static_cast<unsigned long long>(j.value("view", 0ull)),
      j.value("view_changing", false) ? " (changing)" : "", j.value("peers_connected", 0u),
      j.value("peers", 0u), static_cast<unsigned long long>(j.value("mempool_transactions", 0ull)),
      j.value("halted", false) ? (" HALTED: " + j.value("halt_reason", std::string())).c_str()
                               : "");
  return j.value("halted", false) ? 3 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fapiaod: the fapiao consortium node"};
  app.require_subcommand(1);

  node::InitOptions init;
  std::string crypto = "ed25519-sha256";
  auto* init_cmd =
      app.add_subcommand("init", "write a local consortium (CA, keys, genesis, configs)");
  init_cmd->add_option("--members", init.members, "number of members (4 tolerates 1 fault)")
      ->check(CLI::Range(1, 64));
  init_cmd->add_option("--dir", init.dir, "folder to write")->required();
  init_cmd->add_option("--crypto", crypto, "ed25519-sha256 or sm2-sm3");
  init_cmd->add_option("--chain-id", init.chain_id, "chain id");
  init_cmd->add_option("--p2p-base-port", init.p2p_base_port,
                       "member i listens for peers here + i");
  init_cmd->add_option("--api-base-port", init.api_base_port, "member i serves HTTP here + i");
  init_cmd->add_flag("--force", init.force, "replace an existing consortium in --dir");
  uint64_t genesis_time_ms = 0;
  init_cmd->add_option("--genesis-time-ms", genesis_time_ms,
                       "ledger time of the genesis block (UTC ms; default: now). Earlier "
                       "times are for seeding history under a warped [clock]");

  std::string config_path;
  unsigned io_threads = 2;
  auto* run_cmd = app.add_subcommand("run", "run one node");
  run_cmd->add_option("--config", config_path, "node.toml")->required();
  run_cmd->add_option("--io-threads", io_threads, "network threads")->check(CLI::Range(1, 64));
  auto* status_cmd = app.add_subcommand("status", "ask a running node how it is");
  status_cmd->add_option("--config", config_path, "node.toml")->required();

  api::auth::KeysCommands keys(app, [](const std::string& config) -> Result<std::string> {
    auto loaded = node::LoadNodeConfig(config);
    if (!loaded.ok()) return loaded.status();
    return loaded->data_dir;
  });

  CLI11_PARSE(app, argc, argv);
  if (keys.selected()) return keys.Run();
  if (*init_cmd) {
    auto suite = ParseSuite(crypto);
    if (!suite)
      return Fail(Status::Error("init.options", "--crypto: unknown suite '" + crypto + "'"));
    init.suite = *suite;
    if (genesis_time_ms != 0) init.genesis_time_ms = genesis_time_ms;
    return RunInit(init);
  }
  if (*run_cmd) return RunNode(config_path, io_threads);
  return RunStatus(config_path);
}
