// HTTP server scenarios over real sockets (127.0.0.1:0, two io threads):
//  - routing with decoded path and query params; 404 and 405 (+Allow) problems
//  - JSON body problems through the server, naming the field
//  - keep-alive: several requests on one connection
//  - async handler answered from another (non-io) thread; dropped responder
//    and throwing handler give 500 problems; the connection stays usable
//  - /metrics parses after traffic: route patterns as labels, histograms sound
#include <future>

#include <catch2/catch.hpp>

#include "api/problem.h"
#include "tests/api/exposition.h"
#include "tests/api/test_client.h"

namespace fapiao::api {
namespace {

using testing::ServerFixture;
using testing::TestClient;
using Verb = testing::http::verb;

nlohmann::json Body(const testing::ClientResponse& res) {
  return nlohmann::json::parse(res.body());
}

Router EchoRouter() {
  Router r;
  r.Add("GET", "/v1/invoices/{number}/qr.png", [](const Request& req) {
    nlohmann::json j;
    j["number"] = req.PathParam("number").value_or("");
    j["size"] = req.Query("size").value_or("");
    j["label"] = req.Query("label").value_or("");
    j["route"] = req.route;
    return JsonResponse(200, j);
  });
  r.Add("PATCH", "/v1/vendors/{id}", [](const Request&) { return Response::Text(200, "p"); });
  r.Add("GET", "/v1/vendors/{id}", [](const Request&) { return Response::Text(200, "g"); });
  static const std::vector<FieldSpec> spec = {{"name", JsonType::kString, true, {}},
                                              {"count", JsonType::kInteger, true, {}}};
  r.Add("POST", "/v1/items", [](const Request& req) {
    auto body = ParseJsonBody(req, spec);
    if (!body) return ProblemResponse(body.problem());
    return JsonResponse(201, {{"name", body.value()["name"]}});
  });
  return r;
}

}  // namespace

TEST_CASE("server routes with path and query params", "[api][server]") {
  ServerFixture f(EchoRouter());
  TestClient c(f.port());
  REQUIRE_FALSE(c.connect_error());
  auto res = c.Call(Verb::get, "/v1/invoices/FP%2F0001/qr.png?size=3&label=a+b%21");
  CHECK(res.result_int() == 200);
  CHECK(res[testing::http::field::content_type] == "application/json");
  const auto j = Body(res);
  CHECK(j["number"] == "FP/0001");
  CHECK(j["size"] == "3");
  CHECK(j["label"] == "a b!");
  CHECK(j["route"] == "/v1/invoices/{number}/qr.png");

  res = c.Call(Verb::get, "/v1/unknown");
  CHECK(res.result_int() == 404);
  CHECK(res[testing::http::field::content_type] == "application/problem+json");
  CHECK(Body(res)["code"] == "route.not_found");
  CHECK(Body(res)["status"] == 404);

  res = c.Call(Verb::delete_, "/v1/vendors/9");
  CHECK(res.result_int() == 405);
  CHECK(Body(res)["code"] == "route.method_not_allowed");
  CHECK(res[testing::http::field::allow] == "GET, PATCH");

  res = c.Call(Verb::get, "/v1/vendors/9?x=%zz");
  CHECK(res.result_int() == 400);
  CHECK(Body(res)["code"] == "request.bad_query");
}

TEST_CASE("server turns bad JSON bodies into problems naming the field", "[api][server]") {
  ServerFixture f(EchoRouter());
  TestClient c(f.port());
  struct Case {
    std::string body, code, field;
  };
  const std::vector<Case> cases = {
      {R"({"name": "a", "count": )", "request.malformed_json", ""},
      {R"({"name": "a", "count": 1, "extra": 1})", "request.unknown_field", "/extra"},
      {R"({"name": "a", "count": "1"})", "request.wrong_type", "/count"},
      {R"({"count": 1})", "request.missing_field", "/name"},
  };
  for (const auto& k : cases) {
    auto res = c.Call(Verb::post, "/v1/items", k.body);
    INFO(k.body);
    CHECK(res.result_int() == 400);
    CHECK(Body(res)["code"] == k.code);
    CHECK(Body(res).value("field", "") == k.field);
  }
  auto res = c.Call(Verb::post, "/v1/items", R"({"name":"a","count":1})", "text/plain");
  CHECK(res.result_int() == 415);
  res = c.Call(Verb::post, "/v1/items", R"({"name":"a","count":1})");
  CHECK(res.result_int() == 201);
}

TEST_CASE("keep-alive serves several requests on one connection", "[api][server]") {
  ServerFixture f(EchoRouter());
  TestClient c(f.port());
  for (int i = 0; i < 5; ++i) {
    auto res = c.Call(Verb::get, "/v1/vendors/" + std::to_string(i));
    CHECK(res.result_int() == 200);
    CHECK(res.keep_alive());
  }
  CHECK(f.server().connection_count() == 1);
}

TEST_CASE("async handlers complete from another thread", "[api][server]") {
  std::promise<Responder> parked;
  Router r;
  r.AddAsync("POST", "/v1/payments",
             [&parked](const Request&, Responder respond) { parked.set_value(respond); });
  r.AddAsync("GET", "/dropped", [](const Request&, Responder) {});
  r.Add("GET", "/throws", [](const Request&) -> Response { throw std::runtime_error("boom"); });
  ServerFixture f(std::move(r));
  TestClient c(f.port());

  REQUIRE_FALSE(c.Send(testing::MakeRequest(Verb::post, "/v1/payments", "{}")));
  auto future = parked.get_future();
  REQUIRE(future.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  Responder respond = future.get();
  respond(JsonResponse(201, {{"height", 12}}));  // from the test thread, not an io thread
  respond(Response::Text(500, "ignored"));
  testing::ClientResponse res;
  REQUIRE_FALSE(c.Read(res));
  CHECK(res.result_int() == 201);
  CHECK(Body(res)["height"] == 12);

  res = c.Call(Verb::get, "/dropped");
  CHECK(res.result_int() == 500);
  CHECK(Body(res)["code"] == "server.no_response");
  res = c.Call(Verb::get, "/throws");
  CHECK(res.result_int() == 500);
  CHECK(Body(res)["code"] == "server.internal");
  CHECK(c.Call(Verb::get, "/dropped").keep_alive());
}

TEST_CASE("metrics are recorded by route pattern and parse", "[api][server]") {
  MetricsRegistry registry;
  auto& custom = registry.AddCounter("fapiao_custom_total", "A caller's own counter.");
  custom.Inc(4);
  registry.AddCallback("fapiao_height", "Ledger height.", MetricType::kGauge, {},
                       [] { return 42.0; });
  ServerOptions options;
  options.metrics = &registry;
  ServerFixture f(EchoRouter(), options);
  TestClient c(f.port());
  c.Call(Verb::get, "/v1/vendors/1");
  c.Call(Verb::get, "/v1/vendors/2");
  c.Call(Verb::patch, "/v1/vendors/2");
  c.Call(Verb::get, "/nowhere");
  auto res = c.Call(Verb::get, "/metrics");
  REQUIRE(res.result_int() == 200);
  CHECK(res[testing::http::field::content_type].starts_with("text/plain; version=0.0.4"));

  std::string error;
  const auto e = testing::ParseExposition(res.body(), &error);
  INFO(error);
  REQUIRE(e);
  CHECK(e->types.at("fapiao_http_requests_total") == "counter");
  CHECK(e->types.at("fapiao_http_request_duration_seconds") == "histogram");
  auto find = [&](const std::string& route, const std::string& method, const std::string& st) {
    auto s = e->Find("fapiao_http_requests_total",
                     {{"route", route}, {"method", method}, {"status", st}});
    return s.empty() ? -1.0 : s[0].value;
  };
  CHECK(find("/v1/vendors/{id}", "GET", "200") == 2);
  CHECK(find("/v1/vendors/{id}", "PATCH", "200") == 1);
  CHECK(find("unmatched", "GET", "404") == 1);
  CHECK(testing::CheckHistograms(*e, "fapiao_http_request_duration_seconds").empty());
  CHECK(e->Find("fapiao_http_request_duration_seconds_count", {{"route", "/v1/vendors/{id}"}})
            .at(0)
            .value == 3);
  CHECK(e->Find("fapiao_custom_total").at(0).value == 4);
  CHECK(e->Find("fapiao_height").at(0).value == 42);
  CHECK(e->Find("fapiao_http_open_connections").at(0).value == 1);
}

}  // namespace fapiao::api
