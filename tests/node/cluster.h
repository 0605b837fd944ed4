// A local consortium of real fapiaod processes for multi-process tests: init
// into a temporary folder with ports derived from the test's PID, start, kill
// (-9 or TERM), wipe and restart nodes, and talk to them over HTTP. Waits poll
// with deadlines (allowed here: these tests cross process boundaries).
// Not thread-safe; one Cluster per test.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/core/batch.h"
#include "node/http_get.h"

namespace fapiao::testing {

class Cluster {
 public:
  Cluster(uint32_t members, const std::string& crypto);
  ~Cluster();  // kills every node it started

  uint32_t size() const { return members_; }
  const std::string& dir() const { return dir_; }
  uint16_t api_port(uint32_t i) const { return static_cast<uint16_t>(api_base_ + i); }
  uint16_t p2p_port(uint32_t i) const { return static_cast<uint16_t>(p2p_base_ + i); }

  void Start(uint32_t i);
  void Kill(uint32_t i);       // SIGKILL
  void Terminate(uint32_t i);  // SIGTERM, waits for exit
  void Wipe(uint32_t i);       // removes the node's data folder (node must be stopped)
  bool Running(uint32_t i) const;
  pid_t pid(uint32_t i) const { return pids_[i]; }

  Result<node::HttpReply> Get(uint32_t i, const std::string& target) const;
  Result<node::HttpReply> Post(uint32_t i, const std::string& target, const std::string& body,
                               const std::string& content_type = "application/json") const;
  // Height of node i, or nullopt when it does not answer.
  std::optional<uint64_t> Height(uint32_t i) const;
  std::optional<std::string> BlockId(uint32_t i, uint64_t height) const;
  double Metric(uint32_t i, const std::string& name) const;

  // Polls until pred() or the deadline; returns pred()'s last value.
  static bool WaitFor(std::chrono::milliseconds deadline, const std::function<bool()>& pred);

  // Member-signed batches made outside the node (as a client library would).
  std::unique_ptr<Signer> LoadSigner(uint32_t member) const;
  const CryptoSuite& suite() const { return *suite_; }
  const std::string& chain_id() const { return chain_id_; }

 private:
  uint32_t members_;
  std::string dir_;
  std::string chain_id_ = "fapiao-local";
  uint32_t p2p_base_, api_base_;
  std::vector<pid_t> pids_;
  std::unique_ptr<CryptoSuite> suite_;
};

}  // namespace fapiao::testing
