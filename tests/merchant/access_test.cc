// Merchant routes, who may call them and what they refuse:
//  - no key / a malformed key / an unknown key -> 401 with a Bearer challenge
//  - the role matrix route by route: every key on every route is either allowed
//    (2xx) or 403 auth.forbidden, as docs/auth.md's table and the key's scope say
//  - bad input per route (malformed JSON, wrong types, missing and unknown fields,
//    bad amounts and times, oversize bodies) -> 4xx problem+json naming the field,
//    with a stable code, no transaction submitted and the state unchanged
#include <catch2/catch.hpp>

#include "tests/merchant/fixture.h"

namespace fapiao::api::merchant::test {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

struct RouteCase {
  uint32_t node;
  http::verb method;
  std::string target;
  std::string body;
};

// Expected status for each key name on each route (docs/auth.md; scopes of fixture.h).
struct MatrixRow {
  const char* route;
  std::map<std::string, int> expect;  // absent: 403
};

void Setup(World& w) {
  REQUIRE(w.Call(kOpNode, http::verb::post, "/v1/vendors", VendorBody("v-1").dump(),
                 w.Token("operator"))
              .status == 201);
  REQUIRE(w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody("R-1").dump(),
                 w.Token("provider"))
              .status == 201);
}

TEST_CASE("merchant: every route: missing, malformed or unknown keys are 401", "[merchant]") {
  World w;
  Setup(w);
  const std::vector<RouteCase> routes = {
      {kOpNode, http::verb::post, "/v1/vendors", VendorBody("v-5").dump()},
      {kOpNode, http::verb::get, "/v1/vendors/v-1", ""},
      {kOpNode, http::verb::patch, "/v1/vendors/v-1", R"({"name":"x"})"},
      {kPayNode, http::verb::post, "/v1/payments", PaymentBody("R-5").dump()},
      {kPayNode, http::verb::get, "/v1/payments/2/R-1", ""},
  };
  const std::string unknown = "fpk_0123456789abcdef_" + std::string(64, 'a');
  const auto before = w.Snapshot();
  for (const auto& route : routes) {
    for (const std::string& token : {std::string(), std::string("nonsense"), unknown}) {
      INFO(route.target << " token=" << token);
      auto r = w.Call(route.node, route.method, route.target, route.body, token);
      CHECK(r.status == 401);
      CHECK(r.content_type == "application/problem+json");
      CHECK(r.www_authenticate == "Bearer realm=\"fapiao\"");
      CHECK(r.body["code"].get<std::string>().starts_with("auth."));
    }
  }
  CHECK(w.Snapshot() == before);
}

TEST_CASE("merchant: role matrix, route by route", "[merchant]") {
  const std::vector<MatrixRow> rows = {
      {"POST /v1/vendors", {{"operator", 201}}},
      {"GET /v1/vendors/v-1", {{"operator", 200}, {"vendor", 200}, {"tax", 200}}},
      {"PATCH /v1/vendors/v-1", {{"operator", 200}}},
      {"PATCH /v1/vendors/v-1 status", {{"operator", 200}}},
      {"POST /v1/payments", {{"provider", 201}}},
      {"GET /v1/payments/2/R-1", {{"provider", 200}, {"vendor", 200}, {"tax", 200}}},
  };
  for (const auto& row : rows) {
    for (const std::string& key : World::KeyNames()) {
      World w;  // fresh ledger per call, so every call sees the same state
      Setup(w);
      const std::string route = row.route;
      RouteCase c{kOpNode, http::verb::get, "", ""};
      if (route == "POST /v1/vendors") {
        c = {kOpNode, http::verb::post, "/v1/vendors", VendorBody("v-5").dump()};
      } else if (route == "GET /v1/vendors/v-1") {
        c = {kOpNode, http::verb::get, "/v1/vendors/v-1", ""};
      } else if (route == "PATCH /v1/vendors/v-1") {
        c = {kOpNode, http::verb::patch, "/v1/vendors/v-1", R"({"name":"New name"})"};
      } else if (route == "PATCH /v1/vendors/v-1 status") {
        c = {kOpNode, http::verb::patch, "/v1/vendors/v-1",
             R"({"status":"suspended","reason":"inspection"})"};
      } else if (route == "POST /v1/payments") {
        c = {kPayNode, http::verb::post, "/v1/payments", PaymentBody("R-5").dump()};
      } else {
        c = {kPayNode, http::verb::get, "/v1/payments/2/R-1", ""};
      }
      const auto it = row.expect.find(key);
      const int expected = it == row.expect.end() ? 403 : it->second;
      const auto before = w.Snapshot();
      auto r = w.Call(c.node, c.method, c.target, c.body, w.Token(key));
      INFO(route << " as " << key << ": " << r.body.dump());
      CHECK(r.status == expected);
      if (expected == 403) {
        CHECK(r.body["code"] == "auth.forbidden");
        CHECK(w.Snapshot() == before);
      }
    }
  }
}

struct BadCase {
  RouteCase route;
  int status;
  std::string code;
  std::string field;
};

json With(json body, const std::string& key, json value) {
  body[key] = std::move(value);
  return body;
}
json Without(json body, const std::string& key) {
  body.erase(key);
  return body;
}

TEST_CASE("merchant: bad input per route is a problem naming the field, with no state change",
          "[merchant]") {
  World w;
  Setup(w);
  const json v = VendorBody("v-5");
  const json p = PaymentBody("R-5");
  json bad_item = p;
  bad_item["items"][0].erase("name");
  json float_item = p;
  float_item["items"][0]["amount_fen"] = 1.5;
  json bad_default = v;
  bad_default["defaults"][0]["treatment"]["treatment"] = "free";
  const auto vendors = [](std::string body) {
    return RouteCase{kOpNode, http::verb::post, "/v1/vendors", std::move(body)};
  };
  const auto patch = [](std::string body) {
    return RouteCase{kOpNode, http::verb::patch, "/v1/vendors/v-1", std::move(body)};
  };
  const auto pays = [](const json& body) {
    return RouteCase{kPayNode, http::verb::post, "/v1/payments", body.dump()};
  };
  const std::vector<BadCase> cases = {
      {vendors("{"), 400, "request.malformed_json", ""},
      {vendors("[]"), 400, "request.not_object", ""},
      {vendors(Without(v, "name").dump()), 400, "request.missing_field", "/name"},
      {vendors(With(v, "name", 5).dump()), 400, "request.wrong_type", "/name"},
      {vendors(With(v, "colour", "red").dump()), 400, "request.unknown_field", "/colour"},
      {vendors(With(v, "taxpayer_id", {{"kind", "passport"}, {"value", "x"}}).dump()), 422,
       "request.invalid_field", "/taxpayer_id/kind"},
      {vendors(With(v, "taxpayer_type", "huge").dump()), 422, "request.invalid_field",
       "/taxpayer_type"},
      {vendors(bad_default.dump()), 422, "request.invalid_field",
       "/defaults/0/treatment/treatment"},
      {patch("{"), 400, "request.malformed_json", ""},
      {patch(R"({"name":7})"), 400, "request.wrong_type", "/name"},
      {patch(R"({"nickname":"x"})"), 400, "request.unknown_field", "/nickname"},
      {patch(R"({"status":"closed","reason":"x"})"), 422, "request.invalid_field", "/status"},
      {patch(R"({"status":"suspended","name":"x"})"), 422, "request.invalid_field", "/name"},
      {patch(R"({"market":"M2"})"), 422, "request.invalid_field", "/market"},
      {patch(R"({})"), 422, "request.invalid_field", ""},
      {RouteCase{kOpNode, http::verb::patch, "/v1/vendors/v-404", R"({"name":"x"})"}, 404,
       "vendor.unknown", ""},
      {RouteCase{kOpNode, http::verb::get, "/v1/vendors/v-404", ""}, 404, "vendor.unknown", ""},
      {pays(With(p, "amount_fen", -5)), 422, "request.invalid_amount", "/amount_fen"},
      {pays(With(p, "amount_fen", 0)), 422, "request.invalid_amount", "/amount_fen"},
      {pays(With(p, "amount_fen", 12.5)), 422, "request.invalid_amount", "/amount_fen"},
      {pays(With(p, "amount_fen", "12.50")), 422, "request.invalid_amount", "/amount_fen"},
      {pays(With(p, "amount_fen", "-12")), 422, "request.invalid_amount", "/amount_fen"},
      {pays(With(p, "amount_fen", "99999999999999999999")), 422, "request.invalid_amount",
       "/amount_fen"},
      {pays(With(p, "amount_fen", 9223372036854775808ULL)), 422, "request.invalid_amount",
       "/amount_fen"},
      {pays(With(p, "amount_fen", true)), 400, "request.wrong_type", "/amount_fen"},
      {pays(With(p, "amount_fen", nullptr)), 400, "request.wrong_type", "/amount_fen"},
      {pays(With(p, "paid_at", "yesterday")), 422, "request.invalid_time", "/paid_at"},
      {pays(With(p, "paid_at", -1)), 422, "request.invalid_time", "/paid_at"},
      {pays(With(p, "paid_at", json::array())), 400, "request.wrong_type", "/paid_at"},
      {pays(Without(p, "reference")), 400, "request.missing_field", "/reference"},
      {pays(With(p, "reference", "")), 422, "request.invalid_field", "/reference"},
      {pays(With(p, "reference", std::string(65, 'r'))), 422, "request.invalid_field",
       "/reference"},
      {pays(With(p, "tip", 5)), 400, "request.unknown_field", "/tip"},
      {pays(With(p, "items", "tomatoes")), 400, "request.wrong_type", "/items"},
      {pays(bad_item), 400, "request.missing_field", "/items/0/name"},
      {pays(float_item), 422, "request.invalid_amount", "/items/0/amount_fen"},
      {RouteCase{kPayNode, http::verb::get, "/v1/payments/2/R-404", ""}, 404, "payment.unknown",
       ""},
      {RouteCase{kPayNode, http::verb::get, "/v1/payments/x/R-1", ""}, 404, "payment.unknown", ""},
  };
  const auto before = w.Snapshot();
  const uint64_t submits = w.submits();
  const std::string token_for_node[] = {"", "operator", "provider"};
  for (const auto& c : cases) {
    auto r = w.Call(c.route.node, c.route.method, c.route.target, c.route.body,
                    w.Token(token_for_node[c.route.node]));
    INFO(c.route.target << " " << c.route.body << " -> " << r.body.dump());
    CHECK(r.status == c.status);
    CHECK(r.content_type == "application/problem+json");
    CHECK(r.body["code"] == c.code);
    CHECK(r.body.value("field", std::string()) == c.field);
  }
  // Wrong media type and oversize bodies.
  auto media = w.Call(kPayNode, http::verb::post, "/v1/payments", p.dump(), w.Token("provider"),
                      "text/plain");
  CHECK(media.status == 415);
  auto big =
      w.Call(kPayNode, http::verb::post, "/v1/payments",
             With(p, "reference", std::string(kMerchantMaxBody, 'r')).dump(), w.Token("provider"));
  CHECK(big.status == 413);
  auto big_vendor =
      w.Call(kOpNode, http::verb::post, "/v1/vendors",
             With(v, "name", std::string(kMerchantMaxBody, 'n')).dump(), w.Token("operator"));
  CHECK(big_vendor.status == 413);
  CHECK(w.submits() == submits);
  CHECK(w.Snapshot() == before);
}

}  // namespace
}  // namespace fapiao::api::merchant::test
