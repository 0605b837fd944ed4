// `fapiaod keys add|list|revoke`: the member's operator manages the node's API
// keys in <data_dir>/api-keys.json. KeysCommands registers the subcommands on
// a CLI11 app and runs the one chosen. It must outlive app.parse(). Not
// thread-safe (a CLI). The secret is printed once, by `add`, on stdout alone.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>

#include <CLI/CLI.hpp>

#include "api/auth/token.h"
#include "ledger/core/status.h"

namespace fapiao::api::auth {

// Turns `--config node.toml` into the node's data dir (the daemon passes a
// function over node::LoadNodeConfig; the api layer does not read node.toml).
using DataDirOf = std::function<Result<std::string>(const std::string& config_path)>;

class KeysCommands {
 public:
  KeysCommands(CLI::App& app, DataDirOf data_dir_of);
  KeysCommands(const KeysCommands&) = delete;
  KeysCommands& operator=(const KeysCommands&) = delete;

  // Seams for tests: the issuing clock (Unix ms) and the random source.
  void set_clock(std::function<int64_t()> now_ms) { now_ms_ = std::move(now_ms); }
  void set_random(RandomBytes random) { random_ = std::move(random); }

  // True when the parsed command line chose `keys ...`.
  bool selected() const;
  // Runs the chosen subcommand; returns the process exit code (0 ok, 1 error).
  int Run(std::ostream& out, std::ostream& err) const;
  int Run() const;

 private:
  int Add(const std::string& path, std::ostream& out, std::ostream& err) const;
  int List(const std::string& path, std::ostream& out, std::ostream& err) const;
  int RevokeKey(const std::string& path, std::ostream& out, std::ostream& err) const;

  DataDirOf data_dir_of_;
  std::function<int64_t()> now_ms_;
  RandomBytes random_ = OpenSslRandomBytes;
  CLI::App* keys_ = nullptr;
  CLI::App* add_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* revoke_ = nullptr;
  std::string config_;
  std::string role_;
  std::string scope_;
  std::string label_;
  std::string key_id_;
};

}  // namespace fapiao::api::auth
