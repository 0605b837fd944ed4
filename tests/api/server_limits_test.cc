// HTTP server limits, timeouts and shutdown over real sockets:
//  - oversize body (Content-Length and chunked) -> 413 problem, the connection
//    closed cleanly after the answer, the server still serving; per-route limit
//  - Expect: 100-continue gets 100 then the answer
//  - oversize headers -> 431 problem
//  - a client that stalls mid-request, and an idle keep-alive client, are closed
//  - max_connections: the extra connection gets a 503 problem
//  - graceful stop: idle connections closed, an in-flight request finishes with
//    Connection: close, on_stopped after it, new connections refused
#include <future>

#include <catch2/catch.hpp>

#include "api/problem.h"
#include "tests/api/test_client.h"

namespace fapiao::api {
namespace {

using testing::ServerFixture;
using testing::TestClient;
using Verb = testing::http::verb;
using namespace std::chrono_literals;

std::string Code(const testing::ClientResponse& res) {
  return nlohmann::json::parse(res.body()).value("code", "");
}

Router SizeRouter() {
  Router r;
  auto size = [](const Request& req) {
    return Response::Text(200, std::to_string(req.body.size()));
  };
  r.Add("POST", "/upload", size);
  r.Add("POST", "/small", size, RouteOptions{.max_body_bytes = 16});
  r.Add("GET", "/ping", [](const Request&) { return Response::Text(200, "pong"); });
  return r;
}

}  // namespace

TEST_CASE("oversize bodies get 413 and a clean close", "[api][server][limits]") {
  ServerOptions o;
  o.max_body_bytes = 64 * 1024;
  ServerFixture f(SizeRouter(), o);

  {
    TestClient c(f.port());
    auto res = c.Call(Verb::post, "/upload", std::string(64 * 1024, 'x'), "text/plain");
    CHECK(res.result_int() == 200);
    CHECK(res.body() == "65536");
  }
  {
    TestClient c(f.port());
    REQUIRE_FALSE(c.Send(
        testing::MakeRequest(Verb::post, "/upload", std::string(2 << 20, 'x'), "text/plain")));
    testing::ClientResponse res;
    REQUIRE_FALSE(c.Read(res));
    CHECK(res.result_int() == 413);
    CHECK(Code(res) == "request.body_too_large");
    CHECK_FALSE(res.keep_alive());
    CHECK(c.WaitClosed());
  }
  {
    TestClient c(f.port());
    auto req =
        testing::MakeRequest(Verb::post, "/upload", std::string(200 * 1024, 'y'), "text/plain");
    req.chunked(true);
    REQUIRE_FALSE(c.Send(req));
    testing::ClientResponse res;
    REQUIRE_FALSE(c.Read(res));
    CHECK(res.result_int() == 413);
    CHECK(c.WaitClosed());
  }
  {
    TestClient c(f.port());
    auto res = c.Call(Verb::post, "/small", std::string(17, 'z'), "text/plain");
    CHECK(res.result_int() == 413);
  }
  TestClient after(f.port());
  CHECK(after.Call(Verb::get, "/ping").body() == "pong");
}

TEST_CASE("Expect: 100-continue is honoured", "[api][server][limits]") {
  ServerFixture f(SizeRouter());
  TestClient c(f.port());
  REQUIRE_FALSE(c.SendRaw(
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  testing::ClientResponse res;
  REQUIRE_FALSE(c.Read(res));
  CHECK(res.result_int() == 100);
  REQUIRE_FALSE(c.SendRaw("hello"));
  REQUIRE_FALSE(c.Read(res));
  CHECK(res.result_int() == 200);
  CHECK(res.body() == "5");
}

TEST_CASE("oversize headers get 431", "[api][server][limits]") {
  ServerFixture f(SizeRouter());
  TestClient c(f.port());
  auto req = testing::MakeRequest(Verb::get, "/ping");
  req.set("X-Big", std::string(20 * 1024, 'h'));
  REQUIRE_FALSE(c.Send(req));
  testing::ClientResponse res;
  REQUIRE_FALSE(c.Read(res));
  CHECK(res.result_int() == 431);
  CHECK(Code(res) == "request.header_too_large");
  CHECK(c.WaitClosed());
}

TEST_CASE("slow and idle clients are timed out", "[api][server][limits]") {
  ServerOptions o;
  o.request_timeout = 200ms;
  o.idle_timeout = 300ms;
  ServerFixture f(SizeRouter(), o);

  TestClient slow(f.port());
  const auto start = std::chrono::steady_clock::now();
  REQUIRE_FALSE(slow.SendRaw("GET /ping HTTP/1.1\r\nHo"));
  CHECK(slow.WaitClosed());  // bounded by the client's own 5 s timeout

  TestClient idle(f.port());
  CHECK(idle.Call(Verb::get, "/ping").keep_alive());
  CHECK(idle.WaitClosed());
  CHECK(std::chrono::steady_clock::now() - start < TestClient::kTimeout);
}

TEST_CASE("connections beyond the limit get 503", "[api][server][limits]") {
  ServerOptions o;
  o.max_connections = 1;
  ServerFixture f(SizeRouter(), o);
  TestClient first(f.port());
  CHECK(first.Call(Verb::get, "/ping").result_int() == 200);
  TestClient second(f.port());
  testing::ClientResponse res;
  REQUIRE_FALSE(second.Read(res));
  CHECK(res.result_int() == 503);
  CHECK(Code(res) == "server.too_many_connections");
  CHECK(second.WaitClosed());
  CHECK(first.Call(Verb::get, "/ping").result_int() == 200);
}

TEST_CASE("graceful stop finishes in-flight requests", "[api][server][limits]") {
  std::promise<Responder> parked;
  Router r = SizeRouter();
  r.AddAsync("POST", "/commit",
             [&parked](const Request&, Responder respond) { parked.set_value(respond); });
  ServerFixture f(std::move(r));

  TestClient idle(f.port());
  CHECK(idle.Call(Verb::get, "/ping").result_int() == 200);
  TestClient busy(f.port());
  REQUIRE_FALSE(busy.Send(testing::MakeRequest(Verb::post, "/commit", "{}")));
  auto handler_ran = parked.get_future();
  REQUIRE(handler_ran.wait_for(5s) == std::future_status::ready);

  auto stopped = f.StopAsync(10s);
  CHECK(idle.WaitClosed());
  CHECK(stopped.wait_for(0s) == std::future_status::timeout);  // still waiting for /commit
  TestClient late(f.port());
  CHECK(late.connect_error());

  handler_ran.get()(Response::Text(201, "committed"));
  testing::ClientResponse res;
  REQUIRE_FALSE(busy.Read(res));
  CHECK(res.result_int() == 201);
  CHECK_FALSE(res.keep_alive());
  CHECK(busy.WaitClosed());
  CHECK(stopped.wait_for(5s) == std::future_status::ready);
}

TEST_CASE("stop deadline force-closes a request that never completes", "[api][server][limits]") {
  std::promise<Responder> parked;
  Router r;
  r.AddAsync("POST", "/hang",
             [&parked](const Request&, Responder respond) { parked.set_value(respond); });
  ServerFixture f(std::move(r));
  TestClient c(f.port());
  REQUIRE_FALSE(c.Send(testing::MakeRequest(Verb::post, "/hang", "{}")));
  auto handler_ran = parked.get_future();
  REQUIRE(handler_ran.wait_for(5s) == std::future_status::ready);
  CHECK(f.StopAndWait(100ms));
  CHECK(c.WaitClosed());
  handler_ran.get()(Response::Text(200, "too late"));  // ignored by the closed connection
}

}  // namespace fapiao::api
