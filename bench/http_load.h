// The async HTTP machinery of fapiao-bench: keep-alive connections to one node
// grouped in a Pool (requests wait FIFO for a free connection), and a
// log-bucketed latency histogram (about 3% precision). Everything runs on
// one io_context thread: no locks; not thread-safe.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace fapiao::bench {

namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

// The outcome of one request: status 0 = transport failure, `error` its code.
struct HttpResult {
  int status = 0;
  std::string error;  // client.connect, client.io, client.timeout (transport)
  std::string body;
};

class Pool {
 public:
  using Done = std::function<void(HttpResult)>;
  Pool(boost::asio::io_context& io, std::string host, uint16_t port, size_t connections,
       std::chrono::milliseconds timeout);
  ~Pool();
  // Sends when a connection is free (FIFO otherwise). `bearer` empty = no key.
  void Send(http::verb method, std::string target, std::string body, std::string bearer, Done done);
  size_t waiting() const { return waiting_.size(); }
  uint64_t connects() const { return connects_; }

 private:
  struct Conn;
  struct Job {
    http::verb method;
    std::string target, body, bearer;
    Done done;
  };
  void Run(Conn* c, Job job);
  void Release(Conn* c);
  boost::asio::io_context& io_;
  std::string host_;
  uint16_t port_;
  std::chrono::milliseconds timeout_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<Conn*> free_;
  std::deque<Job> waiting_;
  uint64_t connects_ = 0;
};

class Histogram {
 public:
  void Add(Clock::duration d);
  uint64_t count() const { return count_; }
  // Latency at quantile q in [0, 1], in milliseconds (0 when empty).
  double QuantileMs(double q) const;
  double MaxMs() const { return static_cast<double>(max_us_) / 1000.0; }
  double MeanMs() const { return count_ ? sum_us_ / static_cast<double>(count_) / 1000.0 : 0; }

 private:
  // Microseconds: exact below 64, then 32 linear buckets per power of two.
  static size_t Index(uint64_t us);
  static uint64_t Value(size_t index);  // the middle of the bucket
  std::array<uint64_t, 64 + 40 * 32> buckets_{};
  uint64_t count_ = 0;
  uint64_t max_us_ = 0;
  double sum_us_ = 0;
};

}  // namespace fapiao::bench
