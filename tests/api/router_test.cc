// Router unit scenarios:
//  - literal and {param} segments, decoded params, literal-over-param priority
//  - 404 for unknown paths, 405 with the allowed methods, 400 for bad escapes
//  - query parsing: '+' and %XX decoding, repeated keys, empty parts, bad escapes
//  - Request lookups: headers case-insensitive, first occurrence wins
//  - Responder: first call wins; dropping it uncalled yields a 500 problem
#include <catch2/catch.hpp>

#include "api/problem.h"
#include "api/router.h"

namespace fapiao::api {
namespace {

Router MakeRouter() {
  Router r;
  auto ok = [](const Request&) { return Response::Text(200, "ok"); };
  r.Add("GET", "/v1/invoices/{number}/qr.png", ok);
  r.Add("GET", "/v1/vendors/{id}", ok);
  r.Add("PATCH", "/v1/vendors/{id}", ok);
  r.Add("GET", "/v1/vendors/me", ok);
  r.Add("POST", "/v1/vendors", ok);
  return r;
}

}  // namespace

TEST_CASE("router matches patterns and decodes path params", "[api][router]") {
  const Router r = MakeRouter();
  auto m = r.Match("GET", "/v1/invoices/FP%2F2026%200001/qr.png");
  REQUIRE(m.route != nullptr);
  CHECK(m.route->pattern == "/v1/invoices/{number}/qr.png");
  REQUIRE(m.path_params.size() == 1);
  CHECK(m.path_params[0] == std::pair<std::string, std::string>("number", "FP/2026 0001"));

  m = r.Match("GET", "/v1/vendors/me");
  REQUIRE(m.route != nullptr);
  CHECK(m.route->pattern == "/v1/vendors/me");  // literal wins, though added later
  m = r.Match("GET", "/v1/vendors/42");
  REQUIRE(m.route != nullptr);
  CHECK(m.route->pattern == "/v1/vendors/{id}");
}

TEST_CASE("router answers 404, 405 and 400", "[api][router]") {
  const Router r = MakeRouter();
  CHECK(r.Match("GET", "/v1/nothing").status == 404);
  CHECK(r.Match("GET", "/v1/invoices/1/qr.svg").status == 404);
  CHECK(r.Match("GET", "/v1/vendors/").status == 404);  // empty param
  CHECK(r.Match("GET", "/v1/vendors/42/extra").status == 404);
  auto m = r.Match("DELETE", "/v1/vendors/42");
  CHECK(m.status == 405);
  CHECK(m.allowed == std::vector<std::string>{"GET", "PATCH"});
  m = r.Match("GET", "/v1/vendors");
  CHECK(m.status == 405);
  CHECK(m.allowed == std::vector<std::string>{"POST"});
  CHECK(r.Match("GET", "/v1/vendors/%zz").status == 400);
  CHECK(r.Match("GET", "/v1/vendors/%4").status == 400);
}

TEST_CASE("query strings are split and percent-decoded", "[api][router]") {
  auto q = ParseQuery("a=1&b=x+y%21&&c&a=2&%E5%8F%91=%E7%A5%A8");
  REQUIRE(q);
  const Fields want = {{"a", "1"}, {"b", "x y!"}, {"c", ""}, {"a", "2"}, {"发", "票"}};
  CHECK(*q == want);
  CHECK_FALSE(ParseQuery("a=%G1"));
  CHECK_FALSE(ParseQuery("a=%"));
  CHECK(PercentDecode("a+b", false) == "a+b");
  CHECK(PercentDecode("a+b", true) == "a b");
}

TEST_CASE("request lookups", "[api][router]") {
  Request req;
  req.headers = {{"Content-Type", "application/json"}, {"X-A", "1"}, {"x-a", "2"}};
  req.query_params = {{"page", "2"}};
  req.path_params = {{"id", "7"}};
  CHECK(req.Header("content-type") == "application/json");
  CHECK(req.Header("X-a") == "1");
  CHECK_FALSE(req.Header("missing"));
  CHECK(req.Query("page") == "2");
  CHECK(req.PathParam("id") == "7");
  CHECK_FALSE(req.PathParam("ID"));
}

TEST_CASE("responder delivers once and answers 500 when dropped", "[api][router]") {
  std::vector<Response> got;
  {
    Responder r([&](Response res) { got.push_back(std::move(res)); });
    Responder copy = r;
    copy(Response::Text(201, "first"));
    r(Response::Text(202, "second"));
    CHECK(r.responded());
  }
  REQUIRE(got.size() == 1);
  CHECK(got[0].status == 201);

  got.clear();
  {
    Responder dropped([&](Response res) { got.push_back(std::move(res)); });
  }
  REQUIRE(got.size() == 1);
  CHECK(got[0].status == 500);
  CHECK(got[0].content_type == "application/problem+json");
  CHECK(nlohmann::json::parse(got[0].body)["code"] == "server.no_response");
}

}  // namespace fapiao::api
