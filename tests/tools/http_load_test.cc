// fapiao-bench's machinery (bench/http_load.h) against an in-process server:
// the pool keeps its connections alive and queues requests FIFO beyond them,
// transport failures are reported as codes, and the histogram's quantiles stay
// within its 3% resolution. Also the CLI's blocking client on the same server.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "api/problem.h"
#include "bench/http_load.h"
#include "tests/api/test_client.h"
#include "tools/fapiao/http_client.h"

namespace {

using fapiao::bench::Clock;
using fapiao::bench::Histogram;
using fapiao::bench::HttpResult;
using fapiao::bench::Pool;

fapiao::api::Router EchoRouter() {
  fapiao::api::Router router;
  router.Add("POST", "/echo", [](const fapiao::api::Request& r) {
    return fapiao::api::JsonResponse(
        200,
        {{"body", r.body}, {"authorization", std::string(r.Header("Authorization").value_or(""))}});
  });
  return router;
}

}  // namespace

TEST_CASE("the bench pool reuses its connections and queues beyond them", "[tools]") {
  fapiao::api::testing::ServerFixture server(EchoRouter());
  boost::asio::io_context io;
  Pool pool(io, "127.0.0.1", server.port(), 2, std::chrono::seconds(5));
  std::vector<HttpResult> results(20);
  std::vector<size_t> order;
  for (size_t i = 0; i < results.size(); ++i) {
    pool.Send(boost::beast::http::verb::post, "/echo", "req-" + std::to_string(i), "k",
              [&, i](HttpResult r) {
                results[i] = std::move(r);
                order.push_back(i);
              });
  }
  CHECK(pool.waiting() == 18);  // two on the wire, the rest wait their turn
  io.run();
  REQUIRE(order.size() == results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    INFO("request " << i);
    CHECK(results[i].status == 200);
    const auto body = nlohmann::json::parse(results[i].body);
    CHECK(body.at("body") == "req-" + std::to_string(i));
    CHECK(body.at("authorization") == "Bearer k");
  }
  CHECK(pool.waiting() == 0);
  CHECK(pool.connects() == 2);  // keep-alive: 20 requests over 2 connections
}

TEST_CASE("the bench pool reports a transport failure as a code", "[tools]") {
  boost::asio::io_context io;
  Pool pool(io, "127.0.0.1", 1, 1, std::chrono::seconds(5));
  HttpResult got;
  got.status = -1;
  pool.Send(boost::beast::http::verb::get, "/", {}, {}, [&](HttpResult r) { got = std::move(r); });
  io.run();
  CHECK(got.status == 0);
  CHECK(got.error == "client.connect");
}

TEST_CASE("the histogram's quantiles are within its resolution", "[tools]") {
  Histogram h;
  CHECK(h.QuantileMs(0.5) == 0);
  for (int us = 1; us <= 100000; ++us) h.Add(std::chrono::microseconds(us));
  CHECK(h.count() == 100000);
  CHECK(h.QuantileMs(0.5) == Approx(50.0).epsilon(0.03));
  CHECK(h.QuantileMs(0.9) == Approx(90.0).epsilon(0.03));
  CHECK(h.QuantileMs(0.99) == Approx(99.0).epsilon(0.03));
  CHECK(h.MaxMs() == 100.0);
  CHECK(h.QuantileMs(1.0) <= h.MaxMs());
  CHECK(h.MeanMs() == Approx(50.0).epsilon(0.001));
  Histogram small;
  small.Add(std::chrono::microseconds(7));
  CHECK(small.QuantileMs(0.99) == Approx(0.007));
}

TEST_CASE("the CLI's blocking client sends the key and the body, request after request",
          "[tools]") {
  fapiao::api::testing::ServerFixture server(EchoRouter());
  fapiao::client::HttpClient client(
      *fapiao::client::ParseApiUrl("http://127.0.0.1:" + std::to_string(server.port())));
  for (int i = 0; i < 3; ++i) {
    auto r = client.Call("POST", "/echo", "{\"n\": " + std::to_string(i) + "}", "fpk_x");
    REQUIRE(r.ok());
    CHECK(r->status == 200);
    CHECK(r->content_type == "application/json");
    const auto body = nlohmann::json::parse(r->body);
    CHECK(body.at("authorization") == "Bearer fpk_x");
    CHECK(body.at("body") == "{\"n\": " + std::to_string(i) + "}");
  }
  auto missing = client.Call("GET", "/nowhere");
  REQUIRE(missing.ok());
  CHECK(missing->status == 404);
}
