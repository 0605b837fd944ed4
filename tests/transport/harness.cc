// Transport socket-test harness (harness.h).
#include "tests/transport/harness.h"

#include <stdexcept>

namespace fapiao::transport::testing {

bool Eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

IoThreads::IoThreads(int threads)
    : guard_(std::make_unique<
             boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
          io_.get_executor())) {
  running_ = threads;
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      io_.run();
      std::lock_guard lock(mu_);
      --running_;
      cv_.notify_all();
    });
  }
}

bool IoThreads::Drain(std::chrono::milliseconds timeout) {
  guard_.reset();
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return running_ == 0; });
}

IoThreads::~IoThreads() {
  if (!Drain(std::chrono::seconds(5))) io_.stop();
  for (auto& t : threads_) t.join();
}

void Recorder::OnFrame(uint32_t from, std::string payload) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !blocking_; });
  frames_.emplace_back(from, std::move(payload));
  cv_.notify_all();
}

void Recorder::OnPeerConnected(uint32_t peer, bool up) {
  std::lock_guard lock(mu_);
  up_[peer] = up;
  cv_.notify_all();
}

bool Recorder::WaitFrames(
    const std::function<bool(const std::vector<std::pair<uint32_t, std::string>>&)>& pred,
    std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return pred(frames_); });
}

size_t Recorder::Count(uint32_t from, const std::string& payload) {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [f, p] : frames_) n += (f == from && p == payload) ? 1 : 0;
  return n;
}

std::vector<std::string> Recorder::From(uint32_t from) {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [f, p] : frames_) {
    if (f == from) out.push_back(p);
  }
  return out;
}

void Recorder::BlockFrames() {
  std::lock_guard lock(mu_);
  blocking_ = true;
}

void Recorder::Release() {
  std::lock_guard lock(mu_);
  blocking_ = false;
  cv_.notify_all();
}

std::unique_ptr<Transport> CreateOrThrow(boost::asio::io_context& io, TransportConfig config,
                                         TransportHandler& handler) {
  auto t = Transport::Create(io, std::move(config), handler);
  if (!t.ok()) throw std::runtime_error(t.status().ToString());
  return std::move(t).value();
}

std::vector<Node> StartCluster(boost::asio::io_context& io, const std::vector<Member>& members,
                               std::vector<TransportConfig> configs) {
  std::vector<Node> nodes(members.size());
  for (size_t i = 0; i < members.size(); ++i) {
    nodes[i].member = members[i];
    nodes[i].transport = CreateOrThrow(io, configs[i], *nodes[i].recorder);
  }
  for (auto& n : nodes) {
    for (auto& other : nodes) {
      if (&n == &other) continue;
      // Peers a config does not list are simply not known to that node.
      (void)n.transport->SetPeerAddress(other.member.index, "127.0.0.1",
                                        other.transport->listen_port());
    }
  }
  for (auto& n : nodes) n.transport->Start();
  return nodes;
}

bool ExchangeAll(std::vector<Node*> nodes, const std::string& tag, int rounds) {
  for (int r = 0; r < rounds; ++r) {
    for (Node* from : nodes) {
      for (Node* to : nodes) {
        if (from == to) continue;
        const std::string payload = tag + "/" + std::to_string(from->member.index) + "->" +
                                    std::to_string(to->member.index) + "#" + std::to_string(r);
        if (!from->transport->Send(to->member.index, payload)) return false;
      }
    }
  }
  for (Node* to : nodes) {
    for (Node* from : nodes) {
      if (from == to) continue;
      const std::string prefix = tag + "/" + std::to_string(from->member.index) + "->";
      bool ok = to->recorder->WaitFrames([&](const auto& frames) {
        int next = 0;
        for (const auto& [f, p] : frames) {
          if (f == from->member.index && p.starts_with(prefix) &&
              p == prefix + std::to_string(to->member.index) + "#" + std::to_string(next)) {
            ++next;
          }
        }
        return next == rounds;
      });
      if (!ok) return false;
    }
  }
  return true;
}

PeerStats PeerOfStats(const TransportStats& s, uint32_t index) {
  for (const auto& p : s.peers) {
    if (p.index == index) return p;
  }
  throw std::runtime_error("no stats for peer " + std::to_string(index));
}

}  // namespace fapiao::transport::testing
