// In-process harness for transport socket tests: io threads, a recording handler, a cluster of
// transports on 127.0.0.1 with OS-chosen ports, and deadline-bounded waits. Test-only.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "node/transport/transport.h"
#include "tests/transport/pki_fixture.h"

namespace fapiao::transport::testing {

inline constexpr auto kDeadline = std::chrono::seconds(20);

// Polls `pred` until it holds or `timeout` passes (for conditions with no callback to await).
bool Eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = kDeadline);

class IoThreads {
 public:
  explicit IoThreads(int threads);
  ~IoThreads();  // lets the io_context run out of work (bounded), then stops it
  boost::asio::io_context& io() { return io_; }
  // Drops the work guard and waits until every thread's run() returned; false on timeout.
  bool Drain(std::chrono::milliseconds timeout);

 private:
  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  int running_ = 0;
};

class Recorder final : public TransportHandler {
 public:
  void OnFrame(uint32_t from, std::string payload) override;
  void OnPeerConnected(uint32_t peer, bool up) override;

  // Waits until `pred(frames)` holds; false on timeout.
  bool WaitFrames(
      const std::function<bool(const std::vector<std::pair<uint32_t, std::string>>&)>& pred,
      std::chrono::milliseconds timeout = kDeadline);
  size_t Count(uint32_t from, const std::string& payload);
  std::vector<std::string> From(uint32_t from);
  // Makes OnFrame block until Release() (a peer that stops reading).
  void BlockFrames();
  void Release();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<uint32_t, std::string>> frames_;
  std::map<uint32_t, bool> up_;
  bool blocking_ = false;
};

struct Node {
  Member member;
  std::unique_ptr<Recorder> recorder = std::make_unique<Recorder>();
  std::unique_ptr<Transport> transport;
};

// Creates a transport for each config (on `io`), tells each the others' ports, starts them.
// `configs[i]` belongs to `members[i]`. Throws on failure.
std::vector<Node> StartCluster(boost::asio::io_context& io, const std::vector<Member>& members,
                               std::vector<TransportConfig> configs);
std::unique_ptr<Transport> CreateOrThrow(boost::asio::io_context& io, TransportConfig config,
                                         TransportHandler& handler);

// Every node sends `rounds` tagged frames to every other node; true once all arrived in order.
bool ExchangeAll(std::vector<Node*> nodes, const std::string& tag, int rounds = 5);

// By value: callers often pass a temporary Stats().
PeerStats PeerOfStats(const TransportStats& s, uint32_t index);

}  // namespace fapiao::transport::testing
