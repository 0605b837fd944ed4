// docs/openapi.yaml (as served at GET /openapi.json) against the routes the
// node serves. The router is assembled as `fapiaod run` does it (init a
// consortium, Node::Create, NodeApi::AddRoutes, plus the server's /metrics);
// then, both ways: every route is documented and every documented operation
// is served. Every operation has a 2xx answer, its 4xx/5xx answers are
// Problems (HTML error pages for HTML pages), and every `{name}` of a path is
// a declared path parameter.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/http_server.h"
#include "api/openapi.h"
#include "node/api_routes.h"
#include "node/config.h"
#include "node/init.h"
#include "node/node.h"
#include "tests/node_config/temp_dir.h"

namespace fapiao {
namespace {

using nlohmann::json;

// HTML pages (/buyer/...) answer their errors as HTML pages too.
constexpr const char* kHtml = "text/html; charset=utf-8";
const std::set<std::string> kMethods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// One consortium member's node, built but not started, with every route.
struct ServedRoutes {
  test::TempDir dir;
  std::unique_ptr<node::Node> node;
  std::unique_ptr<node::NodeApi> api;
  api::Router router;

  ServedRoutes() {
    node::InitOptions init;
    init.members = 4;
    init.dir = dir.path().string();
    REQUIRE(node::InitConsortium(init).ok());
    auto config = node::LoadNodeConfig(dir / "node0/node.toml");
    REQUIRE(config.ok());
    auto consortium = node::LoadConsortium(config->consortium_file);
    REQUIRE(consortium.ok());
    auto n = node::Node::Create(*config, *consortium);
    REQUIRE(n.ok());
    node = std::move(*n);
    auto opened = node::NodeApi::Open(*node);
    REQUIRE(opened.ok());
    api = std::move(*opened);
    api->AddRoutes(router);
  }

  // (METHOD, pattern) of every route, with the one HttpServer adds (fapiaod
  // keeps ServerOptions' default metrics_path and sets `metrics`).
  std::set<std::pair<std::string, std::string>> Operations() const {
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& r : router.routes()) out.emplace(r->method, r->pattern);
    out.emplace("GET", api::ServerOptions{}.metrics_path);
    return out;
  }
};

json Document() {
  json doc = json::parse(api::OpenApiDocumentJson(), nullptr, false);
  REQUIRE_FALSE(doc.is_discarded());
  return doc;
}

// Follows a local "$ref" ("#/components/responses/X") to its target.
const json& Resolve(const json& doc, const json& node) {
  if (!node.is_object() || !node.contains("$ref")) return node;
  const std::string ref = node["$ref"].get<std::string>();
  REQUIRE(ref.rfind("#/", 0) == 0);
  const json::json_pointer ptr(ref.substr(1));
  INFO("$ref " << ref);
  REQUIRE(doc.contains(ptr));
  return Resolve(doc, doc.at(ptr));
}

std::vector<std::string> PathParams(const std::string& pattern) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = pattern.find('{', pos)) != std::string::npos) {
    const size_t end = pattern.find('}', pos);
    out.push_back(pattern.substr(pos + 1, end - pos - 1));
    pos = end;
  }
  return out;
}

TEST_CASE("every route the node serves is in docs/openapi.yaml, and nothing else is", "[openapi]") {
  ServedRoutes served;
  const json doc = Document();
  const json& paths = doc["paths"];
  const auto ops = served.Operations();
  REQUIRE(ops.size() > 20);

  for (const auto& [method, pattern] : ops) {
    INFO("served but not documented in docs/openapi.yaml: " << method << " " << pattern);
    CHECK((paths.contains(pattern) && paths[pattern].contains(Lower(method))));
  }
  for (const auto& [path, item] : paths.items()) {
    for (const auto& [key, op] : item.items()) {
      if (!kMethods.count(key)) continue;
      std::string method = key;
      std::transform(method.begin(), method.end(), method.begin(), ::toupper);
      INFO("documented in docs/openapi.yaml but not served: " << method << " " << path);
      CHECK(ops.count({method, path}) == 1);
    }
  }
}

TEST_CASE("every documented operation answers 2xx, refuses with Problems, declares its path parameters",
          "[openapi]") {
  const json doc = Document();
  REQUIRE(doc["openapi"].get<std::string>().rfind("3.", 0) == 0);
  const json& problem = doc["components"]["schemas"]["Problem"];
  for (const char* f : {"type", "title", "status", "code", "detail", "field"}) {
    CHECK(problem["properties"].contains(f));
  }
  std::set<std::string> operation_ids;
  for (const auto& [path, item] : doc["paths"].items()) {
    std::set<std::string> path_level;
    for (const auto& p : item.value("parameters", json::array())) {
      const json& param = Resolve(doc, p);
      if (param["in"] == "path") path_level.insert(param["name"].get<std::string>());
    }
    for (const auto& [method, op] : item.items()) {
      if (!kMethods.count(method)) continue;
      const std::string where = method + " " + path;
      INFO(where);
      REQUIRE(op.contains("operationId"));
      CHECK(operation_ids.insert(op["operationId"].get<std::string>()).second);
      CHECK_FALSE(op.value("tags", json::array()).empty());

      std::set<std::string> declared = path_level;
      for (const auto& p : op.value("parameters", json::array())) {
        const json& param = Resolve(doc, p);
        if (param["in"] == "path") {
          CHECK(param.value("required", false));
          declared.insert(param["name"].get<std::string>());
        }
      }
      for (const std::string& name : PathParams(path)) {
        INFO("path parameter {" << name << "} of " << where << " is not declared");
        CHECK(declared.count(name) == 1);
      }
      for (const std::string& name : declared) {
        INFO("declared path parameter " << name << " is not in " << path);
        CHECK(path.find("{" + name + "}") != std::string::npos);
      }

      bool has_2xx = false, html_page = false;
      for (const auto& [status, response] : op["responses"].items()) {
        if (status.size() != 3 || status[0] != '2') continue;
        has_2xx = true;
        html_page |= Resolve(doc, response).value("content", json::object()).contains(kHtml);
      }
      for (const auto& [status, response] : op["responses"].items()) {
        if (status[0] != '4' && status[0] != '5') continue;
        INFO(where << " answers " << status << " without the Problem schema");
        const json& r = Resolve(doc, response);
        REQUIRE(r.contains("content"));
        if (html_page && r["content"].contains(kHtml)) continue;  // a page answers a person
        REQUIRE(r["content"].contains("application/problem+json"));
        CHECK(r["content"]["application/problem+json"]["schema"]["$ref"] ==
              "#/components/schemas/Problem");
      }
      INFO(where << " documents no 2xx answer");
      CHECK(has_2xx);
    }
  }
}

TEST_CASE("GET /openapi.json answers the document as JSON, without credentials", "[openapi]") {
  ServedRoutes served;
  const api::RouteMatch match = served.router.Match("GET", "/openapi.json");
  REQUIRE(match.route != nullptr);
  api::Request req;
  req.method = "GET";
  req.target = req.path = req.route = "/openapi.json";
  std::optional<api::Response> got;
  match.route->handler(req, api::Responder([&](api::Response r) { got = std::move(r); }));
  REQUIRE(got);
  CHECK(got->status == 200);
  CHECK(got->content_type == "application/json");
  const json body = json::parse(got->body, nullptr, false);
  REQUIRE(body.is_object());
  CHECK(body["openapi"].is_string());
  CHECK(body["paths"].contains("/v1/invoices/{number}"));
  CHECK(body["paths"]["/openapi.json"]["get"]["security"] == json::array());
}

}  // namespace
}  // namespace fapiao
