// docs/openapi.yaml (as served at GET /openapi.json) against the routes the
// node serves. Routers are assembled as `fapiaod run` does it (init a
// consortium, Node::Create, NodeApi::AddRoutes, plus the server's /metrics)
// for every member, with and without demo_payments; then, both ways: every
// route is documented and every documented operation is served somewhere. Every operation has a 2xx
// answer, its 4xx/5xx answers are Problems (HTML error pages for HTML pages), and every `{name}` of
// a path is a declared path parameter.
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
const std::set<std::string> kMethods = {"get",     "put",  "post",  "delete",
                                        "options", "head", "patch", "trace"};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A fresh 4-member consortium from `fapiaod init` (members 0-3: market
// operator, payment provider, tax bureau, reimbursing organisation).
class Consortium {
 public:
  Consortium() {
    node::InitOptions init;
    init.members = 4;
    init.dir = dir_.path().string();
    REQUIRE(node::InitConsortium(init).ok());
  }
  std::string NodeToml(uint32_t member) const {
    return dir_ / ("node" + std::to_string(member) + "/node.toml");
  }

 private:
  test::TempDir dir_;
};

// One member's node built as `fapiaod run` builds it (not started), with every route.
struct MemberRoutes {
  std::unique_ptr<node::Node> node;
  std::unique_ptr<node::NodeApi> api;
  api::Router router;

  MemberRoutes(const Consortium& c, uint32_t member) {
    auto config = node::LoadNodeConfig(c.NodeToml(member));
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
};

using Operation = std::pair<std::string, std::string>;  // (METHOD, pattern)

// Every route any member's node serves, without and with node.toml's
// `demo_payments` (which adds POST /demo/payments on a payment provider), and
// the one HttpServer adds (fapiaod keeps ServerOptions' default metrics_path).
std::set<Operation> AllServed() {
  Consortium c;
  std::set<Operation> out;
  for (uint32_t member = 0; member < 4; ++member) {
    for (bool demo : {false, true}) {
      if (demo) {
        test::Replace(c.NodeToml(member), "sync = true\n", "sync = true\ndemo_payments = true\n");
      }
      MemberRoutes m(c, member);
      for (const auto& r : m.router.routes()) out.emplace(r->method, r->pattern);
    }
  }
  out.emplace("GET", api::ServerOptions{}.metrics_path);
  return out;
}

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
  const json doc = Document();
  const json& paths = doc["paths"];
  const std::set<Operation> ops = AllServed();
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

TEST_CASE(
    "every documented operation answers 2xx, refuses with Problems, declares its path parameters",
    "[openapi]") {
  const json doc = Document();
  REQUIRE(doc["openapi"].get<std::string>().rfind("3.", 0) == 0);
  const json& problem = doc["components"]["schemas"]["Problem"];
  for (const char* f : {"type", "title", "status", "code", "detail", "field"}) {
    CHECK(problem["properties"].contains(f));
  }
  std::set<std::string> tags, operation_ids;
  for (const auto& tag : doc["tags"]) {
    INFO("tag " << tag["name"] << " is declared twice");
    CHECK(tags.insert(tag["name"].get<std::string>()).second);
  }
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
      for (const auto& tag : op.value("tags", json::array())) {
        INFO("tag " << tag << " is not declared in the document's tags");
        CHECK(tags.count(tag.get<std::string>()) == 1);
      }

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

      // Success is a 2xx, or the 303 of a form post that sends the browser on.
      bool has_2xx = false, html_page = false;
      for (const auto& [status, response] : op["responses"].items()) {
        if (status.size() != 3 || (status[0] != '2' && status != "303")) continue;
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
      INFO(where << " documents no success (2xx or 303) answer");
      CHECK(has_2xx);
    }
  }
}

TEST_CASE("GET /openapi.json answers the document as JSON, without credentials", "[openapi]") {
  Consortium c;
  MemberRoutes served(c, 0);
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
