// Payment routes: POST /v1/payments (attest, idempotent on the provider's
// reference, returns the claim token and URL) and
// GET /v1/payments/{provider}/{reference}.
#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include "api/merchant/buyer_links.h"
#include "api/merchant/common.h"
#include "api/merchant/idempotency.h"
#include "api/merchant/merchant_api.h"
#include "contracts/keys.h"
#include "contracts/kinds.h"

namespace fapiao::api::merchant {
namespace {

using auth::Action;
using nlohmann::json;

const std::vector<FieldSpec> kItemSpec = {
    {"name", JsonType::kString, true, {}},
    {"quantity", JsonType::kString, false, {}},
    {"unit_price", JsonType::kString, false, {}},
    {"amount_fen", JsonType::kAny, true, {}},
};
const std::vector<FieldSpec> kPaymentSpec = {
    {"vendor_id", JsonType::kString, true, {}}, {"amount_fen", JsonType::kAny, true, {}},
    {"paid_at", JsonType::kAny, true, {}},      {"reference", JsonType::kString, true, {}},
    {"items", JsonType::kArray, false, {}},
};

json PaymentJson(const pb::Payment& p) {
  const auto& a = p.attested();
  json items = json::array();
  for (const auto& it : a.items()) {
    json item{{"name", it.name()}, {"amount_fen", it.amount_fen()}};
    if (!it.quantity().empty()) item["quantity"] = it.quantity();
    if (!it.unit_price().empty()) item["unit_price"] = it.unit_price();
    items.push_back(std::move(item));
  }
  return json{{"provider", p.provider()},
              {"reference", a.reference()},
              {"vendor_id", a.vendor_id()},
              {"amount_fen", a.amount_fen()},
              {"paid_at_ms", a.paid_at_ms()},
              {"items", items},
              {"attested_at_ms", p.attested_at_ms()},
              {"height", p.height()},
              {"invoiced_fen", p.invoiced_fen()},
              {"invoice_count", p.invoice_count()},
              {"invoices", std::vector<std::string>(p.invoices().begin(), p.invoices().end())},
              {"requested", p.requested()}};
}

Response AttestationResponse(const MerchantContext& ctx, int status, const pb::Payment& p,
                             const std::string& token) {
  // The buyer claims on the node of the vendor's market operator (the only one that issues).
  pb::Vendor vendor;
  LoadRecord(ctx.state->view(), contracts::keys::Vendor(p.attested().vendor_id()), vendor);
  const std::string url = ClaimUrl(ctx, vendor.operator_member(), p.provider(),
                                   p.attested().reference(), token, p.height());
  return JsonResponse(status, json{{"payment", PaymentJson(p)},
                                   {"height", p.height()},
                                   {"claim_token", token},
                                   {"claim_url", url}});
}

std::optional<Problem> FillAttestation(const json& body, pb::AttestPayment& msg) {
  msg.set_vendor_id(body["vendor_id"].get<std::string>());
  if (msg.vendor_id().empty() || msg.vendor_id().size() > 64) {
    return MakeProblem(422, "request.invalid_field", "vendor_id must be 1-64 bytes", "/vendor_id");
  }
  msg.set_reference(body["reference"].get<std::string>());
  if (msg.reference().empty() || msg.reference().size() > 64) {
    return MakeProblem(422, "request.invalid_field", "reference must be 1-64 bytes", "/reference");
  }
  auto amount = ParseAmountFen(body["amount_fen"], "/amount_fen");
  if (!amount) return amount.problem();
  msg.set_amount_fen(amount.value());
  auto paid_at = ParseTimeMs(body["paid_at"], "/paid_at");
  if (!paid_at) return paid_at.problem();
  msg.set_paid_at_ms(paid_at.value());
  if (!body.contains("items")) return std::nullopt;
  const json& items = body["items"];
  if (items.size() > 100) {
    return MakeProblem(422, "request.invalid_field", "at most 100 items", "/items");
  }
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string ptr = "/items/" + std::to_string(i);
    if (auto p = CheckJsonObject(items[i], kItemSpec, ptr)) return p;
    auto fen = ParseAmountFen(items[i]["amount_fen"], ptr + "/amount_fen");
    if (!fen) return fen.problem();
    auto* item = msg.add_items();
    item->set_name(items[i]["name"].get<std::string>());
    item->set_quantity(items[i].value("quantity", std::string()));
    item->set_unit_price(items[i].value("unit_price", std::string()));
    item->set_amount_fen(fen.value());
  }
  return std::nullopt;
}

void AttestPayment(const MerchantContext& ctx, const Request& req, Responder respond) {
  auto principal = AuthenticateRequest(*ctx.keys, req);
  if (!principal.ok()) return respond(AuthProblem(principal.status()));
  const auth::Principal& p = *principal;
  if (!auth::RoleMay(p.role, Action::kAttestPayment)) {
    return respond(Forbidden(p, Action::kAttestPayment));
  }
  auto body = ParseJsonBody(req, kPaymentSpec);
  if (!body) return respond(ProblemResponse(body.problem()));
  pb::AttestPayment msg;
  if (auto problem = FillAttestation(body.value(), msg)) {
    return respond(ProblemResponse(*problem));
  }
  const uint32_t provider = ctx.identity.member;
  if (Status s = auth::Authorize(
          p, Action::kAttestPayment,
          auth::ResourceScope::Payment(msg.vendor_id(), "", std::to_string(provider)));
      !s.ok()) {
    return respond(AuthProblem(s));
  }
  const std::string token = ctx.claims->TokenFor(provider, msg.reference());
  msg.set_claim_token_hash(ctx.claims->HashOf(token));
  const Bytes key = contracts::keys::Payment(provider, msg.reference());
  pb::Payment existing;
  if (LoadRecord(ctx.state->view(), key, existing)) {  // a repeat: answer without a new effect
    if (existing.attested().SerializeAsString() == msg.SerializeAsString()) {
      return respond(AttestationResponse(ctx, 200, existing, token));
    }
    return respond(ContractProblem("payment.conflicting_reference", "/reference"));
  }
  SubmitWrite(
      ctx, WriteIdentity::Of(ctx, req), static_cast<uint32_t>(contracts::TxKind::kAttestPayment),
      msg.SerializeAsString(), [ctx, key, token, respond](Result<SubmitOutcome> r) {
        if (!r.ok()) return respond(SubmitProblem(r.status()));
        if (!r->accepted) {
          const bool ref = r->code == "payment.conflicting_reference";
          return respond(ContractProblem(r->code, ref ? "/reference" : ""));
        }
        bool duplicate = false;
        for (const auto& e : r->events) duplicate |= e.starts_with("payment.duplicate");
        pb::Payment payment;
        if (!LoadRecord(ctx.state->view(), key, payment)) {
          return respond(ProblemResponse(MakeProblem(
              503, "merchant.not_visible", "the payment is committed but not yet readable here")));
        }
        respond(AttestationResponse(ctx, duplicate ? 200 : 201, payment, token));
      });
}

Response GetPayment(const MerchantContext& ctx, const Request& req) {
  auto principal = AuthenticateRequest(*ctx.keys, req);
  if (!principal.ok()) return AuthProblem(principal.status());
  const auth::Principal& p = *principal;
  if (!auth::RoleMay(p.role, Action::kReadPayment)) return Forbidden(p, Action::kReadPayment);
  const std::string_view provider_text = req.PathParam("provider").value_or("");
  const std::string reference(req.PathParam("reference").value_or(""));
  uint32_t provider = 0;
  const auto [end, ec] =
      std::from_chars(provider_text.data(), provider_text.data() + provider_text.size(), provider);
  const auto unknown = ProblemResponse(MakeProblem(
      404, "payment.unknown",
      "no payment '" + reference + "' from provider '" + std::string(provider_text) + "'"));
  if (ec != std::errc() || end != provider_text.data() + provider_text.size() ||
      provider_text.empty()) {
    return unknown;
  }
  const uint64_t height = ctx.state->height();
  pb::Payment payment;
  if (!LoadRecord(ctx.state->view(), contracts::keys::Payment(provider, reference), payment)) {
    return unknown;
  }
  pb::Vendor vendor;
  LoadRecord(ctx.state->view(), contracts::keys::Vendor(payment.attested().vendor_id()), vendor);
  if (Status s = auth::Authorize(
          p, Action::kReadPayment,
          auth::ResourceScope::Payment(payment.attested().vendor_id(), vendor.info().market(),
                                       std::to_string(provider)));
      !s.ok()) {
    return AuthProblem(s);
  }
  return JsonResponse(200, json{{"payment", PaymentJson(payment)}, {"height", height}});
}

}  // namespace

void AddPaymentRoutes(Router& router, const MerchantContext& ctx) {
  const RouteOptions opts{kMerchantMaxBody};
  router.AddAsync(
      "POST", "/v1/payments",
      [ctx](const Request& r, Responder respond) { AttestPayment(ctx, r, std::move(respond)); },
      opts);
  router.Add(
      "GET", "/v1/payments/{provider}/{reference}",
      [ctx](const Request& r) { return GetPayment(ctx, r); }, opts);
}

}  // namespace fapiao::api::merchant
