// HTTP/1.1 server (Boost.Beast behind a pimpl) on an io_context the caller
// owns and runs, on any number of threads; each connection runs on its own
// strand and serves one request at a time (keep-alive, no pipelining).
// Start/Stop/port/connection_count are thread-safe. REQUIRES: the io_context
// outlives the HttpServer; destroying the server stops it with no grace.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/metrics.h"
#include "api/router.h"
#include "ledger/core/status.h"

namespace boost::asio {
class io_context;
}

namespace fapiao::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;                             // 0: the OS picks; read it from port()
  std::size_t max_body_bytes = 1 << 20;               // default; RouteOptions may override
  std::size_t max_header_bytes = 16 << 10;            // request line + headers
  std::size_t max_connections = 1024;                 // beyond: 503 problem, then close
  std::chrono::milliseconds idle_timeout{30'000};     // keep-alive wait for a next request
  std::chrono::milliseconds request_timeout{10'000};  // reading one request; writing its response
  // Not owned; when set, the server records fapiao_http_* metrics into it and
  // serves it at metrics_path (empty: not served). Must outlive the server.
  MetricsRegistry* metrics = nullptr;
  std::string metrics_path = "/metrics";
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, Router router, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts accepting (on the io_context's threads).
  // Errors: http.bad_address, http.listen_failed. REQUIRES: called once.
  Status Start();
  // The bound port. REQUIRES: Start() returned ok.
  std::uint16_t port() const;
  // Graceful stop: stops accepting, closes idle connections, lets in-flight
  // requests finish (their responses carry Connection: close) and force-closes
  // whatever is left after `deadline`. `on_stopped` runs once, on an io
  // thread, when no connection is left. Later calls only add nothing.
  void Stop(std::chrono::milliseconds deadline, std::function<void()> on_stopped = {});
  std::size_t connection_count() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace fapiao::api
