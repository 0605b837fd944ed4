// Problem details and the JSON body checker:
//  - problem+json shape: type, title, status, code, detail, field (only when set)
//  - malformed JSON, non-object, missing/wrong-type/unknown fields (top level and
//    nested) each give their code and the field's JSON pointer
//  - integers reject floats; null is a wrong type; optional fields may be absent
//  - content type must be JSON (415); nesting beyond the limit is refused
#include <catch2/catch.hpp>

#include "api/problem.h"

namespace fapiao::api {
namespace {

const std::vector<FieldSpec>& Spec() {
  static const std::vector<FieldSpec> spec = {
      {"name", JsonType::kString, true, {}},
      {"count", JsonType::kInteger, true, {}},
      {"note", JsonType::kString, false, {}},
      {"a/b", JsonType::kBoolean, false, {}},
      {"buyer", JsonType::kObject, false, {{"title", JsonType::kString, true, {}}}},
  };
  return spec;
}

Problem Check(std::string_view body, std::string_view type = "application/json") {
  auto r = ParseJsonBody(type, body, Spec());
  REQUIRE_FALSE(r.ok());
  return r.problem();
}

}  // namespace

TEST_CASE("problem json carries the RFC 9457 members and a stable code", "[api][problem]") {
  const auto j = ProblemJson(MakeProblem(400, "request.unknown_field", "No.", "/x"));
  CHECK(j["type"] == "urn:fapiao:problem:request.unknown_field");
  CHECK(j["title"] == "Bad Request");
  CHECK(j["status"] == 400);
  CHECK(j["code"] == "request.unknown_field");
  CHECK(j["detail"] == "No.");
  CHECK(j["field"] == "/x");
  const auto r = ProblemResponse(MakeProblem(403, "auth.forbidden", "Not yours."));
  CHECK(r.status == 403);
  CHECK(r.content_type == "application/problem+json");
  CHECK_FALSE(nlohmann::json::parse(r.body).contains("field"));
  const auto s = ProblemFromStatus(409, Status::Error("invoice.duplicate", "Already issued."));
  CHECK(s.code == "invoice.duplicate");
  CHECK(s.status == 409);
}

TEST_CASE("valid bodies pass the spec", "[api][problem]") {
  auto r = ParseJsonBody("application/json; charset=utf-8",
                         R"({"name":"tea","count":3,"buyer":{"title":"Shop"}})", Spec());
  REQUIRE(r.ok());
  CHECK(r.value()["count"] == 3);
}

TEST_CASE("bad bodies are named problems", "[api][problem]") {
  auto p = Check(R"({"name": "x", )");
  CHECK(p.code == "request.malformed_json");
  CHECK(p.status == 400);
  CHECK(Check("[1,2]").code == "request.not_object");

  p = Check(R"({"count": 1})");
  CHECK(p.code == "request.missing_field");
  CHECK(p.field == "/name");

  p = Check(R"({"name": "x", "count": "3"})");
  CHECK(p.code == "request.wrong_type");
  CHECK(p.field == "/count");
  CHECK(Check(R"({"name": "x", "count": 1.5})").field == "/count");
  CHECK(Check(R"({"name": null, "count": 1})").code == "request.wrong_type");
  CHECK(Check(R"({"name": "x", "count": 1, "a/b": 3})").field == "/a~1b");

  p = Check(R"({"name": "x", "count": 1, "colour": "red"})");
  CHECK(p.code == "request.unknown_field");
  CHECK(p.field == "/colour");

  p = Check(R"({"name": "x", "count": 1, "buyer": {"title": "T", "tax_id": 1}})");
  CHECK(p.code == "request.unknown_field");
  CHECK(p.field == "/buyer/tax_id");
  p = Check(R"({"name": "x", "count": 1, "buyer": {}})");
  CHECK(p.code == "request.missing_field");
  CHECK(p.field == "/buyer/title");
  p = Check(R"({"name": "x", "count": 1, "buyer": "T"})");
  CHECK(p.code == "request.wrong_type");
  CHECK(p.field == "/buyer");
}

TEST_CASE("content type and depth are checked", "[api][problem]") {
  auto p = Check(R"({"name":"x","count":1})", "text/plain");
  CHECK(p.status == 415);
  CHECK(p.code == "request.unsupported_media_type");
  CHECK(Check(R"({"name":"x","count":1})", "").status == 415);
  CHECK(ParseJsonBody("application/merge-patch+json", R"({"name":"x","count":1})", Spec()).ok());
  const std::string deep =
      R"({"name":"x","count":1,"note":)" + std::string(100, '[') + std::string(100, ']') + "}";
  CHECK(Check(deep).code == "request.too_deep");
}

}  // namespace fapiao::api
