// Response::stream over real sockets: the body arrives whole with chunked
// transfer encoding and no Content-Length, empty chunks are skipped, the
// connection stays usable (keep-alive) afterwards, and a producer that throws
// leaves a truncated body (no last chunk) and a closed connection.
#include <atomic>
#include <memory>

#include <catch2/catch.hpp>

#include "tests/api/test_client.h"

namespace fapiao::api {
namespace {

using testing::ServerFixture;
using testing::TestClient;
using Verb = testing::http::verb;

Router StreamRouter(std::shared_ptr<std::atomic<int>> calls) {
  Router r;
  r.Add("GET", "/count", [calls](const Request& req) {
    const int n = std::stoi(std::string(req.Query("n").value_or("3")));
    Response res;
    res.content_type = "text/plain";
    auto next = std::make_shared<int>(0);
    res.stream = [n, next, calls](std::string& chunk) {
      ++*calls;
      if (*next % 7 == 3) {  // an empty chunk now and then: skipped, the stream goes on
        ++*next;
        return true;
      }
      chunk = std::to_string(*next) + "\n";
      return ++*next < n;
    };
    return res;
  });
  r.Add("GET", "/broken", [](const Request&) {
    Response res;
    auto sent = std::make_shared<bool>(false);
    res.stream = [sent](std::string& chunk) -> bool {
      if (*sent) throw std::runtime_error("source failed");
      *sent = true;
      chunk = "partial";
      return true;
    };
    return res;
  });
  r.Add("GET", "/plain", [](const Request&) { return Response::Text(200, "plain"); });
  return r;
}

std::string Expected(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i % 7 != 3) out += std::to_string(i) + "\n";
  }
  return out;
}

TEST_CASE("a streamed body arrives whole, chunked, and keep-alive goes on", "[api][stream]") {
  auto calls = std::make_shared<std::atomic<int>>(0);
  ServerFixture f(StreamRouter(calls));
  TestClient c(f.port());
  auto res = c.Call(Verb::get, "/count?n=2000");
  CHECK(res.result_int() == 200);
  CHECK(res.chunked());
  CHECK(res.find(testing::http::field::content_length) == res.end());
  CHECK(res[testing::http::field::content_type] == "text/plain");
  CHECK(res.body() == Expected(2000));
  CHECK(*calls == 2000);  // one call per chunk, none after the producer said done
  CHECK(res.keep_alive());
  auto plain = c.Call(Verb::get, "/plain");  // same connection
  CHECK(plain.body() == "plain");
  CHECK(!plain.chunked());
  CHECK(f.server().connection_count() == 1);
}

TEST_CASE("a producer that finishes on its first call sends one chunk", "[api][stream]") {
  auto calls = std::make_shared<std::atomic<int>>(0);
  ServerFixture f(StreamRouter(calls));
  TestClient c(f.port());
  auto res = c.Call(Verb::get, "/count?n=1");
  CHECK(res.body() == "0\n");
  CHECK(*calls == 1);
}

TEST_CASE("a producer that throws truncates the body and closes", "[api][stream]") {
  auto calls = std::make_shared<std::atomic<int>>(0);
  ServerFixture f(StreamRouter(calls));
  TestClient c(f.port());
  REQUIRE(!c.Send(testing::MakeRequest(Verb::get, "/broken")));
  testing::ClientResponse res;
  // The connection closed before the last chunk: the message is incomplete.
  CHECK(c.Read(res) == testing::http::error::partial_message);
}

}  // namespace
}  // namespace fapiao::api
