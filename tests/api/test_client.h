// Test harness for api/: a server on 127.0.0.1:0 run by two io threads, and a
// blocking Beast client whose every operation is bounded by a 5 s timeout.
// Each object belongs to one test thread.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "api/http_server.h"

namespace fapiao::api::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

using ClientResponse = http::response<http::string_body>;

class ServerFixture {
 public:
  explicit ServerFixture(Router router, ServerOptions options = {});
  ~ServerFixture();
  std::uint16_t port() const { return server_->port(); }
  HttpServer& server() { return *server_; }
  // Stop with `deadline`; true when on_stopped ran within 10 s.
  bool StopAndWait(std::chrono::milliseconds deadline);
  // Starts Stop without waiting; the returned future is ready once stopped.
  std::shared_future<void> StopAsync(std::chrono::milliseconds deadline);

 private:
  net::io_context io_;
  std::unique_ptr<HttpServer> server_;
  net::executor_work_guard<net::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
  std::shared_future<void> stopped_;
};

class TestClient {
 public:
  static constexpr std::chrono::seconds kTimeout{5};
  explicit TestClient(std::uint16_t port);
  beast::error_code connect_error() const { return connect_error_; }

  beast::error_code Send(http::request<http::string_body> req);
  beast::error_code SendRaw(const std::string& bytes);
  beast::error_code Read(ClientResponse& out);
  // Send + Read; fails the test on a transport error.
  ClientResponse Call(http::verb method, const std::string& target, std::string body = {},
                      std::string content_type = "application/json");
  // Waits for the server to close the connection (eof or reset); false on
  // timeout or if bytes arrive instead.
  bool WaitClosed();

 private:
  template <typename Op>
  beast::error_code Run(Op op);
  net::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  beast::error_code connect_error_;
};

http::request<http::string_body> MakeRequest(http::verb method, const std::string& target,
                                             std::string body = {},
                                             std::string content_type = "application/json");

}  // namespace fapiao::api::testing
