// The request body schemas of docs/openapi.yaml against the FieldSpecs the
// merchant routes check bodies with (ParseJsonBody): the same field names,
// the same required ones, matching JSON types, nested objects likewise, and
// `additionalProperties: false` since the routes refuse unknown fields.
#include <catch2/catch.hpp>

#include <set>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "api/merchant/invoice_json.h"
#include "api/merchant/red_letter_json.h"
#include "api/merchant/vendor_json.h"
#include "api/openapi.h"
#include "api/problem.h"

namespace fapiao {
namespace {

using api::FieldSpec;
using api::JsonType;
using nlohmann::json;

const json& Doc() {
  static const json doc = json::parse(api::OpenApiDocumentJson());
  return doc;
}

const json& Resolve(const json& node) {
  if (!node.is_object() || !node.contains("$ref")) return node;
  const std::string ref = node["$ref"].get<std::string>();
  return Resolve(Doc().at(json::json_pointer(ref.substr(1))));
}

// The JSON type a schema asks for; "any" for a oneOf of several types.
std::string TypeOf(const json& schema) {
  const json& s = Resolve(schema);
  if (s.contains("type")) return s["type"].get<std::string>();
  if (s.contains("allOf") && s["allOf"].size() == 1) return TypeOf(s["allOf"][0]);
  return "any";
}

void Matches(const json& schema_ref, std::span<const FieldSpec> spec, const std::string& where) {
  const json& schema = Resolve(schema_ref);
  INFO("docs/openapi.yaml " << where);
  CHECK(schema.value("additionalProperties", true) == false);
  std::set<std::string> documented, documented_required, known, required;
  for (const auto& [name, _] : schema["properties"].items()) documented.insert(name);
  for (const auto& name : schema.value("required", json::array())) {
    documented_required.insert(name.get<std::string>());
  }
  for (const FieldSpec& f : spec) {
    known.insert(f.name);
    if (f.required) required.insert(f.name);
    INFO("field " << f.name);
    REQUIRE(schema["properties"].contains(f.name));
    const json& property = schema["properties"][f.name];
    CHECK(TypeOf(property) == api::JsonTypeName(f.type));
    if (f.type == JsonType::kObject && !f.fields.empty()) {
      Matches(property, f.fields, where + "/" + f.name);
    }
  }
  CHECK(documented == known);
  CHECK(documented_required == required);
}

const json& BodySchema(const std::string& path, const std::string& method) {
  return Doc()["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"];
}

TEST_CASE("request body schemas name exactly the fields the routes accept", "[openapi]") {
  Matches(BodySchema("/v1/vendors", "post"), api::merchant::RegisterVendorSpec(),
          "POST /v1/vendors");
  Matches(BodySchema("/v1/vendors/{id}", "patch")["oneOf"][0], api::merchant::UpdateVendorSpec(),
          "PATCH /v1/vendors/{id} (fields)");
  Matches(BodySchema("/v1/invoices", "post"), api::merchant::IssueInvoiceSpec(),
          "POST /v1/invoices");
  Matches(BodySchema("/v1/red-letter-forms", "post"), api::merchant::OpenFormSpec(),
          "POST /v1/red-letter-forms");
  for (const char* verb : {"confirm", "reject", "withdraw"}) {
    const std::string path = std::string("/v1/red-letter-forms/{id}/") + verb;
    Matches(BodySchema(path, "post"), api::merchant::FormActionSpec(), "POST " + path);
  }
  Matches(Doc()["components"]["schemas"]["TaxpayerId"], api::merchant::TaxpayerIdSpec(),
          "TaxpayerId");
  Matches(Doc()["components"]["schemas"]["Treatment"], api::merchant::TreatmentSpec(), "Treatment");
}

}  // namespace
}  // namespace fapiao
