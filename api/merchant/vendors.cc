// Vendor routes: POST /v1/vendors, GET and PATCH /v1/vendors/{id}.
#include <string>
#include <utility>
#include <vector>

#include "api/merchant/common.h"
#include "api/merchant/idempotency.h"
#include "api/merchant/merchant_api.h"
#include "api/merchant/vendor_json.h"
#include "contracts/keys.h"
#include "contracts/kinds.h"

namespace fapiao::api::merchant {
namespace {

using auth::Action;
using nlohmann::json;

// Submits and answers with the vendor as committed, or the contract's code.
void SubmitVendorTx(const MerchantContext& ctx, const Request& req, contracts::TxKind kind,
                    Bytes payload, std::string vendor_id, int http_ok, Responder respond) {
  SubmitWrite(
      ctx, WriteIdentity::Of(ctx, req), static_cast<uint32_t>(kind), std::move(payload),
      [ctx, vendor_id = std::move(vendor_id), http_ok, respond](Result<SubmitOutcome> r) {
        if (!r.ok()) return respond(SubmitProblem(r.status()));
        if (!r->accepted) return respond(ContractProblem(r->code));
        pb::Vendor vendor;
        if (!LoadRecord(ctx.state->view(), contracts::keys::Vendor(vendor_id), vendor)) {
          return respond(ProblemResponse(MakeProblem(
              503, "merchant.not_visible", "the vendor is committed but not yet readable here")));
        }
        respond(JsonResponse(
            http_ok,
            json{{"vendor", VendorJson(vendor)}, {"height", r->height}, {"tx_id", r->tx_id}}));
      });
}

void RegisterVendor(const MerchantContext& ctx, const Request& req, Responder respond) {
  auto principal = AuthenticateRequest(*ctx.keys, req);
  if (!principal.ok()) return respond(AuthProblem(principal.status()));
  const auth::Principal& p = *principal;
  if (!auth::RoleMay(p.role, Action::kRegisterVendor)) {
    return respond(Forbidden(p, Action::kRegisterVendor));
  }
  auto body = ParseJsonBody(req, RegisterVendorSpec());
  if (!body) return respond(ProblemResponse(body.problem()));
  pb::RegisterVendor msg;
  if (auto problem = FillVendorInfo(body.value(), *msg.mutable_info())) {
    return respond(ProblemResponse(*problem));
  }
  const auto& info = msg.info();
  if (Status s = auth::Authorize(p, Action::kRegisterVendor,
                                 auth::ResourceScope::Vendor(info.vendor_id(), info.market()));
      !s.ok()) {
    return respond(AuthProblem(s));
  }
  SubmitVendorTx(ctx, req, contracts::TxKind::kRegisterVendor, msg.SerializeAsString(),
                 info.vendor_id(), 201, std::move(respond));
}

Response GetVendor(const MerchantContext& ctx, const Request& req) {
  auto principal = AuthenticateRequest(*ctx.keys, req);
  if (!principal.ok()) return AuthProblem(principal.status());
  const auth::Principal& p = *principal;
  if (!auth::RoleMay(p.role, Action::kReadVendor)) return Forbidden(p, Action::kReadVendor);
  const std::string id(req.PathParam("id").value_or(""));
  pb::Vendor vendor;
  const uint64_t height = ctx.state->height();
  if (!LoadRecord(ctx.state->view(), contracts::keys::Vendor(id), vendor)) {
    return ProblemResponse(MakeProblem(404, "vendor.unknown", "no vendor '" + id + "'"));
  }
  if (Status s = auth::Authorize(p, Action::kReadVendor,
                                 auth::ResourceScope::Vendor(id, vendor.info().market()));
      !s.ok()) {
    return AuthProblem(s);
  }
  return JsonResponse(200, json{{"vendor", VendorJson(vendor)}, {"height", height}});
}

std::vector<FieldSpec> PatchSpec() {
  auto spec = std::vector<FieldSpec>(UpdateVendorSpec().begin(), UpdateVendorSpec().end());
  spec.push_back({"status", JsonType::kString, false, {}});
  spec.push_back({"reason", JsonType::kString, false, {}});
  return spec;
}

void PatchVendor(const MerchantContext& ctx, const Request& req, Responder respond) {
  static const std::vector<FieldSpec> kSpec = PatchSpec();
  auto principal = AuthenticateRequest(*ctx.keys, req);
  if (!principal.ok()) return respond(AuthProblem(principal.status()));
  const auth::Principal& p = *principal;
  if (!auth::RoleMay(p.role, Action::kUpdateVendor)) {
    return respond(Forbidden(p, Action::kUpdateVendor));
  }
  auto parsed = ParseJsonBody(req, kSpec);
  if (!parsed) return respond(ProblemResponse(parsed.problem()));
  const json& body = parsed.value();
  const std::string id(req.PathParam("id").value_or(""));
  const bool status_change = body.contains("status");
  for (const auto& [name, value] : body.items()) {
    const bool status_field = name == "status" || name == "reason";
    if (status_field != status_change) {
      return respond(ProblemResponse(
          MakeProblem(422, "request.invalid_field",
                      status_change ? "a status change carries only status and reason"
                                    : "reason goes with a status change",
                      "/" + name)));
    }
  }
  if (body.empty()) {
    return respond(
        ProblemResponse(MakeProblem(422, "request.invalid_field", "nothing to change", "")));
  }
  pb::Vendor vendor;
  if (!LoadRecord(ctx.state->view(), contracts::keys::Vendor(id), vendor)) {
    return respond(ProblemResponse(MakeProblem(404, "vendor.unknown", "no vendor '" + id + "'")));
  }
  const Action action = status_change ? Action::kSuspendVendor : Action::kUpdateVendor;
  if (Status s =
          auth::Authorize(p, action, auth::ResourceScope::Vendor(id, vendor.info().market()));
      !s.ok()) {
    return respond(AuthProblem(s));
  }
  if (status_change) {
    const std::string& status = body["status"].get_ref<const std::string&>();
    pb::SetVendorStatus msg;
    msg.set_vendor_id(id);
    if (status == "suspended") {
      msg.set_status(pb::SUSPENDED);
    } else if (status == "active") {
      msg.set_status(pb::ACTIVE);
    } else {
      return respond(ProblemResponse(MakeProblem(422, "request.invalid_field",
                                                 "status must be active or suspended", "/status")));
    }
    msg.set_reason(body.value("reason", std::string()));
    return SubmitVendorTx(ctx, req, contracts::TxKind::kSetVendorStatus, msg.SerializeAsString(),
                          id, 200, std::move(respond));
  }
  const std::pair<const char*, const std::string*> fixed[] = {{"vendor_id", &id},
                                                              {"market", &vendor.info().market()}};
  for (const auto& [name, current] : fixed) {
    if (body.contains(name) && body[name].get<std::string>() != *current) {
      return respond(ProblemResponse(MakeProblem(422, "request.invalid_field",
                                                 std::string(name) + " cannot change",
                                                 "/" + std::string(name))));
    }
  }
  pb::UpdateVendor msg;
  *msg.mutable_info() = vendor.info();
  if (auto problem = FillVendorInfo(body, *msg.mutable_info())) {
    return respond(ProblemResponse(*problem));
  }
  SubmitVendorTx(ctx, req, contracts::TxKind::kUpdateVendor, msg.SerializeAsString(), id, 200,
                 std::move(respond));
}

}  // namespace

void AddVendorRoutes(Router& router, const MerchantContext& ctx) {
  const RouteOptions opts{kMerchantMaxBody};
  router.AddAsync(
      "POST", "/v1/vendors",
      [ctx](const Request& r, Responder respond) { RegisterVendor(ctx, r, std::move(respond)); },
      opts);
  router.Add(
      "GET", "/v1/vendors/{id}", [ctx](const Request& r) { return GetVendor(ctx, r); }, opts);
  router.AddAsync(
      "PATCH", "/v1/vendors/{id}",
      [ctx](const Request& r, Responder respond) { PatchVendor(ctx, r, std::move(respond)); },
      opts);
}

}  // namespace fapiao::api::merchant
