#include "api/merchant/invoice_json.h"

#include <limits>
#include <utility>
#include <vector>

#include "api/merchant/common.h"
#include "api/merchant/vendor_json.h"
#include "ledger/core/bytes.h"

namespace fapiao::api::merchant {
namespace {

using nlohmann::json;
__extension__ typedef __int128 I128;

std::vector<FieldSpec> Nested(std::span<const FieldSpec> spec) {
  return {spec.begin(), spec.end()};
}

const std::vector<FieldSpec> kClaim = {
    {"provider", JsonType::kInteger, true, {}},
    {"reference", JsonType::kString, true, {}},
    {"token", JsonType::kString, true, {}},
    {"height", JsonType::kInteger, false, {}},
};
const std::vector<FieldSpec> kTitle = {
    {"type", JsonType::kString, true, {}},
    {"name", JsonType::kString, true, {}},
    {"taxpayer_id", JsonType::kObject, false, Nested(TaxpayerIdSpec())},
};
const std::vector<FieldSpec> kAllocation = {
    {"provider", JsonType::kInteger, true, {}},
    {"reference", JsonType::kString, true, {}},
    {"amount_fen", JsonType::kAny, true, {}},
};
const std::vector<FieldSpec> kLine = {
    {"name", JsonType::kString, true, {}},
    {"item_class", JsonType::kString, false, {}},
    {"quantity", JsonType::kString, false, {}},
    {"unit", JsonType::kString, false, {}},
    {"unit_price", JsonType::kString, false, {}},
    {"amount_fen", JsonType::kAny, true, {}},
    {"treatment", JsonType::kObject, false, Nested(TreatmentSpec())},
};
const std::vector<FieldSpec> kIssue = {
    {"claim", JsonType::kObject, false, kClaim},
    {"title", JsonType::kObject, false, kTitle},
    {"allocations", JsonType::kArray, false, {}},
    {"lines", JsonType::kArray, false, {}},
    {"check_override_reason", JsonType::kString, false, {}},
};

Problem Invalid(const std::string& field, const std::string& why) {
  return MakeProblem(422, "request.invalid_field", field.substr(1) + " " + why, field);
}

std::optional<Problem> ProviderOf(const json& v, const std::string& ptr, uint32_t& out) {
  if (!v.is_number_unsigned() || v.get<uint64_t>() > std::numeric_limits<uint32_t>::max()) {
    return Invalid(ptr, "must be a member index (0..2^32-1)");
  }
  out = v.get<uint32_t>();
  return std::nullopt;
}

std::optional<Problem> Reference(const json& v, const std::string& ptr, std::string& out) {
  out = v.get<std::string>();
  if (out.empty() || out.size() > 64) return Invalid(ptr, "must be 1-64 bytes");
  return std::nullopt;
}

std::optional<Problem> FillTitle(const json& t, IssueInput& in) {
  pb::BuyerTitle title;
  const auto& type = t["type"].get_ref<const std::string&>();
  const auto& name = t["name"].get_ref<const std::string&>();
  if (name.empty() || name.size() > 200) return Invalid("/title/name", "must be 1-200 bytes");
  if (type == "individual") {
    if (t.contains("taxpayer_id")) {
      return Invalid("/title/taxpayer_id", "is not given for an individual");
    }
    title.set_type(pb::INDIVIDUAL);
    in.individual_name = name;
  } else if (type == "organisation") {
    if (!t.contains("taxpayer_id")) {
      return MakeProblem(400, "request.missing_field", "an organisation needs a taxpayer_id",
                         "/title/taxpayer_id");
    }
    title.set_type(pb::ORGANISATION);
    title.set_org_name(name);
    if (auto p = FillTaxpayerId(t["taxpayer_id"], "/title/taxpayer_id",
                                *title.mutable_org_taxpayer_id())) {
      return p;
    }
  } else {
    return Invalid("/title/type", "must be individual or organisation");
  }
  in.title = std::move(title);
  return std::nullopt;
}

std::optional<Problem> FillAllocations(const json& list, pb::IssueInvoice& issue) {
  if (list.empty() || list.size() > 20) return Invalid("/allocations", "must hold 1-20 entries");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string ptr = "/allocations/" + std::to_string(i);
    if (auto p = CheckJsonObject(list[i], kAllocation, ptr)) return p;
    auto* a = issue.add_allocations();
    uint32_t provider = 0;
    if (auto p = ProviderOf(list[i]["provider"], ptr + "/provider", provider)) return p;
    a->mutable_payment()->set_provider(provider);
    if (auto p = Reference(list[i]["reference"], ptr + "/reference",
                           *a->mutable_payment()->mutable_reference())) {
      return p;
    }
    auto fen = ParseAmountFen(list[i]["amount_fen"], ptr + "/amount_fen");
    if (!fen) return fen.problem();
    a->set_amount_fen(fen.value());
  }
  return std::nullopt;
}

std::optional<Problem> FillLines(const json& list, pb::IssueInvoice& issue) {
  if (list.empty() || list.size() > 200) return Invalid("/lines", "must hold 1-200 entries");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string ptr = "/lines/" + std::to_string(i);
    const json& l = list[i];
    if (auto p = CheckJsonObject(l, kLine, ptr)) return p;
    auto fen = ParseAmountFen(l["amount_fen"], ptr + "/amount_fen");
    if (!fen) return fen.problem();
    auto* line = issue.add_lines();
    line->set_name(l["name"].get<std::string>());
    line->set_item_class(l.value("item_class", std::string()));
    line->set_quantity(l.value("quantity", std::string()));
    line->set_unit(l.value("unit", std::string()));
    line->set_unit_price(l.value("unit_price", std::string()));
    line->set_amount_fen(fen.value());
    if (l.contains("treatment")) {
      if (auto p = FillTreatment(l["treatment"], ptr + "/treatment", *line->mutable_treatment())) {
        return p;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::span<const FieldSpec> IssueInvoiceSpec() {
  return kIssue;
}

ProblemOr<IssueInput> ParseIssueInput(const json& body) {
  IssueInput in;
  if (body.contains("claim")) {
    const json& c = body["claim"];
    ClaimInput claim;
    if (auto p = ProviderOf(c["provider"], "/claim/provider", claim.provider)) return *p;
    if (auto p = Reference(c["reference"], "/claim/reference", claim.reference)) return *p;
    claim.token = c["token"].get<std::string>();
    if (claim.token.empty() || claim.token.size() > 64) {
      return Invalid("/claim/token", "must be 1-64 characters");
    }
    if (c.contains("height")) {
      if (!c["height"].is_number_unsigned()) {
        return Invalid("/claim/height", "must be a block height (a non-negative integer)");
      }
      claim.height = c["height"].get<uint64_t>();
    }
    in.claim = std::move(claim);
  }
  if (body.contains("title")) {
    if (auto p = FillTitle(body["title"], in)) return *p;
  }
  in.check_override_reason = body.value("check_override_reason", std::string());
  if (body.contains("allocations")) {
    if (auto p = FillAllocations(body["allocations"], in.issue)) return *p;
  } else if (!in.claim) {
    return MakeProblem(400, "request.missing_field", "allocations are required without a claim",
                       "/allocations");
  }
  if (body.contains("lines")) {
    if (auto p = FillLines(body["lines"], in.issue)) return *p;
  }
  return in;
}

std::optional<pb::LineInput> DefaultLine(const pb::Vendor& vendor, const std::string& name,
                                         int64_t total_fen) {
  if (vendor.info().defaults_size() == 0) return std::nullopt;
  const auto& d = vendor.info().defaults(0);
  const int64_t rate = d.treatment().treatment() == pb::TAXABLE ? d.treatment().rate_bp() : 0;
  const auto tax = [&](I128 a) { return (a * rate + 5000) / 10000; };
  const I128 guess = (static_cast<I128>(total_fen) * 10000) / (10000 + rate);
  for (I128 a = guess - 1; a <= guess + 1; ++a) {
    if (a <= 0 || a + tax(a) != total_fen) continue;
    pb::LineInput line;
    line.set_item_class(d.item_class());
    line.set_name(name);
    line.set_amount_fen(static_cast<int64_t>(a));
    return line;
  }
  return std::nullopt;
}

json InvoiceJson(const pb::Invoice& inv) {
  json lines = json::array();
  for (const auto& l : inv.lines()) {
    const auto& in = l.input();
    json j{{"name", in.name()},
           {"amount_fen", in.amount_fen()},
           {"tax_fen", l.tax_fen()},
           {"treatment", TreatmentJson(in.treatment())}};
    if (!in.item_class().empty()) j["item_class"] = in.item_class();
    if (!in.quantity().empty()) j["quantity"] = in.quantity();
    if (!in.unit().empty()) j["unit"] = in.unit();
    if (!in.unit_price().empty()) j["unit_price"] = in.unit_price();
    lines.push_back(std::move(j));
  }
  json allocations = json::array();
  for (const auto& a : inv.allocations()) {
    allocations.push_back({{"provider", a.payment().provider()},
                           {"reference", a.payment().reference()},
                           {"amount_fen", a.amount_fen()}});
  }
  json buyer;
  if (inv.buyer().type() == pb::ORGANISATION) {
    buyer = {{"type", "organisation"},
             {"name", inv.buyer().org_name()},
             {"taxpayer_id", TaxpayerIdJson(inv.buyer().org_taxpayer_id())}};
  } else {
    buyer = {{"type", "individual"}, {"name_commitment", ToHex(inv.buyer().name_commitment())}};
  }
  json out{{"number", inv.number()},
           {"kind", inv.kind() == pb::RED ? "red" : "blue"},
           {"vendor_id", inv.vendor_id()},
           {"seller_name", inv.seller_name()},
           {"seller_taxpayer_id", TaxpayerIdJson(inv.seller_id())},
           {"market", inv.market()},
           {"buyer", buyer},
           {"lines", lines},
           {"pre_tax_fen", inv.pre_tax_fen()},
           {"tax_fen", inv.tax_fen()},
           {"total_fen", inv.total_fen()},
           {"total_words", inv.total_words()},
           {"issued_at_ms", inv.issued_at_ms()},
           {"date", inv.date()},
           {"height", inv.height()},
           {"allocations", allocations},
           {"check_code", inv.check_code()},
           {"red_numbers",
            std::vector<std::string>(inv.red_numbers().begin(), inv.red_numbers().end())}};
  if (inv.kind() == pb::RED) {
    out["blue_number"] = inv.blue_number();
    out["form_id"] = inv.form_id();
  }
  return out;
}

}  // namespace fapiao::api::merchant
