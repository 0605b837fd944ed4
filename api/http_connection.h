// Internal to api/: the state an HttpServer shares with its connections, and
// one connection's read -> dispatch -> write loop. Each Connection runs on its
// own strand; ServerCore's connection table is guarded by its mutex and its
// acceptor and stop timer live on the acceptor's strand.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/http_server.h"

namespace fapiao::api::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

class Connection;

struct ServerCore : std::enable_shared_from_this<ServerCore> {
  ServerCore(net::io_context& io, Router r, ServerOptions o);

  // Called by connections.
  void Record(const std::string& route, const std::string& method, int status,
              std::chrono::steady_clock::duration elapsed);
  void Unregister(std::uint64_t id);
  bool stopping() const { return stopping_flag.load(); }

  // Acceptor strand.
  void DoAccept();
  void BeginStop(std::chrono::milliseconds deadline, std::function<void()> on_stopped);
  void CheckStopped();
  std::vector<std::shared_ptr<Connection>> Snapshot();

  net::io_context& io;
  Router router;
  const ServerOptions options;
  Family<Counter>* requests = nullptr;
  Family<Histogram>* durations = nullptr;
  Gauge* open_connections = nullptr;
  Counter* rejected_connections = nullptr;

  tcp::acceptor acceptor;
  net::steady_timer stop_timer;
  net::steady_timer accept_retry;
  std::atomic<std::uint16_t> port{0};
  std::atomic<bool> stopping_flag{false};
  bool stopped = false;                           // acceptor strand
  std::vector<std::function<void()>> on_stopped;  // acceptor strand

  mutable std::mutex mu;
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> live;
  std::uint64_t next_id = 1;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `reject`: answer 503 (too many connections) and close.
  Connection(std::shared_ptr<ServerCore> core, std::uint64_t id, tcp::socket socket, bool reject);
  void Start();
  void Shutdown();    // graceful: close when idle, else after the current response
  void ForceClose();  // now

 private:
  enum class Phase { kIdle, kReading, kHandling, kWriting, kLingering, kClosed };

  void WaitForRequest();
  void OnFirstBytes(beast::error_code ec, std::size_t n);
  void ReadHeader();
  void OnHeader(beast::error_code ec);
  void OnContinueSent(beast::error_code ec);
  void ReadBody();
  void OnBody(beast::error_code ec);
  void Dispatch();
  void Deliver(Response response);
  // Writes a response; `closing` ends the connection after it (lingering when
  // request bytes may still be unread).
  void Write(Response response, bool closing);
  void OnWritten(beast::error_code ec, bool keep_alive);
  // Response::stream: the header, then one chunk per producer call, then the last chunk.
  void WriteStreamed(Response response, bool keep_alive);
  void NextChunk(beast::error_code ec, bool keep_alive);
  void Linger();
  void OnLingerRead(beast::error_code ec, std::size_t n);
  void Close();
  void ProblemAndClose(int status, std::string code, std::string detail);

  std::shared_ptr<ServerCore> core_;
  const std::uint64_t id_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  http::response<http::empty_body> stream_header_;
  std::optional<http::response_serializer<http::empty_body>> stream_serializer_;
  std::function<bool(std::string&)> producer_;
  std::string chunk_;
  Request request_;
  RouteMatch match_;
  std::string route_label_;
  std::string method_label_;
  std::chrono::steady_clock::time_point started_;
  Phase phase_ = Phase::kIdle;
  bool reject_;
  bool stop_requested_ = false;
  bool body_unread_ = false;
  std::size_t lingered_bytes_ = 0;
  std::size_t body_limit_ = 0;
};

}  // namespace fapiao::api::detail
