#include "tests/node/cluster.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "node/transport/pki.h"

extern char** environ;

namespace fapiao::testing {

namespace {

pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot start " + args[0]);
  }
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

int RunToEnd(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = Spawn(args, log);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

Cluster::Cluster(uint32_t members, const std::string& crypto)
    : members_(members), pids_(members, 0) {
  const auto pid = static_cast<uint32_t>(::getpid());
  // Ports from the PID keep concurrent test processes apart.
  // Below Linux's ephemeral range (32768+), where an outbound connection's
  // local port could take a listening port away from a restarting node.
  p2p_base_ = 20000 + (pid % 600) * 20;
  api_base_ = p2p_base_ + 10;
  dir_ =
      (std::filesystem::temp_directory_path() / ("fapiao-cluster-" + std::to_string(pid))).string();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  const int rc = RunToEnd({FAPIAOD_PATH, "init", "--members", std::to_string(members), "--dir",
                           dir_, "--crypto", crypto, "--p2p-base-port", std::to_string(p2p_base_),
                           "--api-base-port", std::to_string(api_base_)},
                          dir_ + "/init.log");
  if (rc != 0) throw std::runtime_error("fapiaod init failed; see " + dir_ + "/init.log");
  suite_ = CryptoSuite::Create(*ParseSuite(crypto));
}

Cluster::~Cluster() {
  for (uint32_t i = 0; i < members_; ++i) {
    if (pids_[i] > 0) Kill(i);
  }
  if (std::getenv("FAPIAO_KEEP_CLUSTER") == nullptr) std::filesystem::remove_all(dir_);
}

void Cluster::Start(uint32_t i) {
  const std::string node = dir_ + "/node" + std::to_string(i);
  pids_[i] = Spawn({FAPIAOD_PATH, "run", "--config", node + "/node.toml"}, node + "/stdout.log");
}

void Cluster::Kill(uint32_t i) {
  if (pids_[i] <= 0) return;
  ::kill(pids_[i], SIGKILL);
  int status = 0;
  waitpid(pids_[i], &status, 0);
  pids_[i] = 0;
}

void Cluster::Terminate(uint32_t i) {
  if (pids_[i] <= 0) return;
  ::kill(pids_[i], SIGTERM);
  int status = 0;
  waitpid(pids_[i], &status, 0);
  pids_[i] = 0;
}

void Cluster::Wipe(uint32_t i) {
  std::filesystem::remove_all(dir_ + "/node" + std::to_string(i) + "/data");
  std::filesystem::create_directories(dir_ + "/node" + std::to_string(i) + "/data");
}

bool Cluster::Running(uint32_t i) const {
  return pids_[i] > 0 && ::kill(pids_[i], 0) == 0;
}

Result<node::HttpReply> Cluster::Get(uint32_t i, const std::string& target) const {
  return node::HttpCall("127.0.0.1", api_port(i), "GET", target);
}

Result<node::HttpReply> Cluster::Post(uint32_t i, const std::string& target,
                                      const std::string& body,
                                      const std::string& content_type) const {
  return node::HttpCall("127.0.0.1", api_port(i), "POST", target, body, content_type,
                        std::chrono::seconds(30));
}

std::optional<uint64_t> Cluster::Height(uint32_t i) const {
  auto r = Get(i, "/v1/status");
  if (!r.ok() || r->status != 200) return std::nullopt;
  const auto pos = r->body.find("\"height\":");
  if (pos == std::string::npos) return std::nullopt;
  return std::strtoull(r->body.c_str() + pos + 9, nullptr, 10);
}

std::optional<std::string> Cluster::BlockId(uint32_t i, uint64_t height) const {
  auto r = Get(i, "/v1/blocks/" + std::to_string(height));
  if (!r.ok() || r->status != 200) return std::nullopt;
  const auto pos = r->body.find("\"id\":\"");
  if (pos == std::string::npos) return std::nullopt;
  return r->body.substr(pos + 6, 64);
}

double Cluster::Metric(uint32_t i, const std::string& name) const {
  auto r = Get(i, "/metrics");
  if (!r.ok()) return -1;
  std::istringstream in(r->body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + " ", 0) == 0) return std::strtod(line.c_str() + name.size() + 1, nullptr);
  }
  return -1;
}

bool Cluster::WaitFor(std::chrono::milliseconds deadline, const std::function<bool()>& pred) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return pred();
}

std::unique_ptr<Signer> Cluster::LoadSigner(uint32_t member) const {
  auto pem = transport::ReadTextFile(dir_ + "/node" + std::to_string(member) + "/signing.key");
  if (!pem.ok()) throw std::runtime_error(pem.status().ToString());
  auto s = suite_->LoadSigner(*pem);
  if (!s.ok()) throw std::runtime_error(s.status().ToString());
  return std::move(*s);
}

}  // namespace fapiao::testing
