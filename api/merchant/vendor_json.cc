#include "api/merchant/vendor_json.h"

#include <string>

namespace fapiao::api::merchant {
namespace {

using nlohmann::json;

const std::vector<FieldSpec> kTaxpayerId = {
    {"kind", JsonType::kString, true, {}},
    {"value", JsonType::kString, true, {}},
};
const std::vector<FieldSpec> kTreatment = {
    {"rate_bp", JsonType::kInteger, false, {}},
    {"treatment", JsonType::kString, true, {}},
    {"policy_code", JsonType::kString, false, {}},
};
const std::vector<FieldSpec> kDefault = {
    {"item_class", JsonType::kString, true, {}},
    {"treatment", JsonType::kObject, true, kTreatment},
};

std::vector<FieldSpec> VendorFields(bool required) {
  return {
      {"vendor_id", JsonType::kString, required, {}},
      {"name", JsonType::kString, required, {}},
      {"taxpayer_id", JsonType::kObject, required, kTaxpayerId},
      {"market", JsonType::kString, required, {}},
      {"stall", JsonType::kString, required, {}},
      {"taxpayer_type", JsonType::kString, required, {}},
      {"defaults", JsonType::kArray, false, {}},
      {"check_override_reason", JsonType::kString, false, {}},
  };
}

const std::vector<FieldSpec> kRegister = VendorFields(true);
const std::vector<FieldSpec> kUpdate = VendorFields(false);

Problem Invalid(const std::string& field, const std::string& why) {
  return MakeProblem(422, "request.invalid_field", field.substr(1) + " " + why, field);
}

constexpr std::pair<const char*, pb::TaxpayerKind> kKinds[] = {
    {"uscc", pb::USCC},           {"resident_id", pb::RESIDENT_ID}, {"legacy_15", pb::LEGACY_15},
    {"digits_20", pb::DIGITS_20}, {"temporary", pb::TEMPORARY},     {"foreign", pb::FOREIGN},
};
constexpr std::pair<const char*, pb::TaxpayerType> kTypes[] = {
    {"small_scale", pb::SMALL_SCALE},
    {"general", pb::GENERAL},
};
constexpr std::pair<const char*, pb::Treatment> kTreatments[] = {
    {"taxable", pb::TAXABLE},
    {"exempt", pb::EXEMPT},
    {"zero", pb::ZERO},
    {"not_subject", pb::NOT_SUBJECT},
};

template <typename E, size_t N>
std::optional<E> Lookup(const std::pair<const char*, E> (&table)[N], const std::string& name) {
  for (const auto& [n, v] : table) {
    if (name == n) return v;
  }
  return std::nullopt;
}

template <typename E, size_t N>
std::string NameOf(const std::pair<const char*, E> (&table)[N], E value) {
  for (const auto& [n, v] : table) {
    if (v == value) return n;
  }
  return "unspecified";
}

}  // namespace

std::span<const FieldSpec> TaxpayerIdSpec() {
  return kTaxpayerId;
}
std::span<const FieldSpec> TreatmentSpec() {
  return kTreatment;
}

std::optional<Problem> FillTaxpayerId(const json& value, const std::string& ptr,
                                      pb::TaxpayerId& out) {
  auto kind = Lookup(kKinds, value["kind"].get<std::string>());
  if (!kind) {
    return Invalid(ptr + "/kind",
                   "must be uscc, resident_id, legacy_15, digits_20, temporary or foreign");
  }
  out.set_kind(*kind);
  out.set_value(value["value"].get<std::string>());
  return std::nullopt;
}

std::optional<Problem> FillTreatment(const json& value, const std::string& ptr,
                                     pb::TaxTreatment& out) {
  auto treatment = Lookup(kTreatments, value["treatment"].get<std::string>());
  if (!treatment) {
    return Invalid(ptr + "/treatment", "must be taxable, exempt, zero or not_subject");
  }
  out.set_treatment(*treatment);
  out.set_rate_bp(value.value("rate_bp", int64_t{0}));
  out.set_policy_code(value.value("policy_code", std::string()));
  return std::nullopt;
}

json TaxpayerIdJson(const pb::TaxpayerId& id) {
  return json{{"kind", NameOf(kKinds, id.kind())}, {"value", id.value()}};
}

json TreatmentJson(const pb::TaxTreatment& t) {
  json tr{{"treatment", NameOf(kTreatments, t.treatment())}, {"rate_bp", t.rate_bp()}};
  if (!t.policy_code().empty()) tr["policy_code"] = t.policy_code();
  return tr;
}

std::span<const FieldSpec> RegisterVendorSpec() {
  return kRegister;
}
std::span<const FieldSpec> UpdateVendorSpec() {
  return kUpdate;
}

std::optional<Problem> FillVendorInfo(const json& body, pb::VendorInfo& info) {
  if (body.contains("vendor_id")) info.set_vendor_id(body["vendor_id"].get<std::string>());
  if (body.contains("name")) info.set_name(body["name"].get<std::string>());
  if (body.contains("market")) info.set_market(body["market"].get<std::string>());
  if (body.contains("stall")) info.set_stall(body["stall"].get<std::string>());
  if (body.contains("check_override_reason")) {
    info.set_check_override_reason(body["check_override_reason"].get<std::string>());
  }
  if (body.contains("taxpayer_id")) {
    const json& t = body["taxpayer_id"];
    if (auto p = FillTaxpayerId(t, "/taxpayer_id", *info.mutable_taxpayer_id())) return p;
  }
  if (body.contains("taxpayer_type")) {
    auto type = Lookup(kTypes, body["taxpayer_type"].get<std::string>());
    if (!type) return Invalid("/taxpayer_type", "must be small_scale or general");
    info.set_taxpayer_type(*type);
  }
  if (body.contains("defaults")) {
    const json& defaults = body["defaults"];
    if (defaults.size() > 100) return Invalid("/defaults", "has more than 100 entries");
    info.clear_defaults();
    for (size_t i = 0; i < defaults.size(); ++i) {
      const std::string ptr = "/defaults/" + std::to_string(i);
      if (auto p = CheckJsonObject(defaults[i], kDefault, ptr)) return p;
      auto* d = info.add_defaults();
      d->set_item_class(defaults[i]["item_class"].get<std::string>());
      if (auto p = FillTreatment(defaults[i]["treatment"], ptr + "/treatment",
                                 *d->mutable_treatment())) {
        return p;
      }
    }
  }
  return std::nullopt;
}

json VendorJson(const pb::Vendor& v) {
  const auto& info = v.info();
  json defaults = json::array();
  for (const auto& d : info.defaults()) {
    defaults.push_back(
        {{"item_class", d.item_class()}, {"treatment", TreatmentJson(d.treatment())}});
  }
  json j{{"vendor_id", info.vendor_id()},
         {"name", info.name()},
         {"taxpayer_id", TaxpayerIdJson(info.taxpayer_id())},
         {"market", info.market()},
         {"stall", info.stall()},
         {"taxpayer_type", NameOf(kTypes, info.taxpayer_type())},
         {"defaults", defaults},
         {"status", v.status() == pb::SUSPENDED ? "suspended" : "active"},
         {"check_failed", v.check_failed()},
         {"operator_member", v.operator_member()},
         {"registered_at_ms", v.registered_at_ms()},
         {"updated_at_ms", v.updated_at_ms()}};
  if (!v.status_reason().empty()) j["status_reason"] = v.status_reason();
  if (!info.check_override_reason().empty()) {
    j["check_override_reason"] = info.check_override_reason();
  }
  return j;
}

}  // namespace fapiao::api::merchant
