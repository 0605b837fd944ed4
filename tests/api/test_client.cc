#include "tests/api/test_client.h"

#include <catch2/catch.hpp>

namespace fapiao::api::testing {

ServerFixture::ServerFixture(Router router, ServerOptions options)
    : server_(std::make_unique<HttpServer>(io_, std::move(router), std::move(options))),
      guard_(net::make_work_guard(io_)) {
  const Status started = server_->Start();
  REQUIRE(started.ok());
  for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
}

ServerFixture::~ServerFixture() {
  if (!stopped_.valid()) StopAsync(std::chrono::milliseconds(2000));
  stopped_.wait_for(std::chrono::seconds(10));
  guard_.reset();
  io_.stop();
  for (auto& t : threads_) t.join();
}

std::shared_future<void> ServerFixture::StopAsync(std::chrono::milliseconds deadline) {
  auto done = std::make_shared<std::promise<void>>();
  stopped_ = done->get_future().share();
  server_->Stop(deadline, [done] { done->set_value(); });
  return stopped_;
}

bool ServerFixture::StopAndWait(std::chrono::milliseconds deadline) {
  return StopAsync(deadline).wait_for(std::chrono::seconds(10)) == std::future_status::ready;
}

TestClient::TestClient(std::uint16_t port) : stream_(io_) {
  const net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  connect_error_ = Run([&](auto done) { stream_.async_connect(ep, done); });
}

template <typename Op>
beast::error_code TestClient::Run(Op op) {
  beast::error_code result;
  stream_.expires_after(kTimeout);
  op([&result](beast::error_code ec, auto&&...) { result = ec; });
  io_.restart();
  io_.run();
  return result;
}

beast::error_code TestClient::Send(http::request<http::string_body> req) {
  return Run([&](auto done) { http::async_write(stream_, req, done); });
}

beast::error_code TestClient::SendRaw(const std::string& bytes) {
  return Run([&](auto done) { net::async_write(stream_, net::buffer(bytes), done); });
}

beast::error_code TestClient::Read(ClientResponse& out) {
  out = {};
  return Run([&](auto done) { http::async_read(stream_, buffer_, out, done); });
}

ClientResponse TestClient::Call(http::verb method, const std::string& target, std::string body,
                                std::string content_type) {
  ClientResponse res;
  REQUIRE_FALSE(Send(MakeRequest(method, target, std::move(body), std::move(content_type))));
  REQUIRE_FALSE(Read(res));
  return res;
}

bool TestClient::WaitClosed() {
  buffer_.clear();
  std::size_t got = 0;
  const auto ec = Run([&](auto done) {
    stream_.async_read_some(buffer_.prepare(1024),
                            [&got, done](beast::error_code e, std::size_t n) mutable {
                              got = n;
                              done(e);
                            });
  });
  return got == 0 && (ec == net::error::eof || ec == net::error::connection_reset);
}

http::request<http::string_body> MakeRequest(http::verb method, const std::string& target,
                                             std::string body, std::string content_type) {
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!body.empty()) req.set(http::field::content_type, content_type);
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

}  // namespace fapiao::api::testing
