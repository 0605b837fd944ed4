// Invoice routes: POST /v1/invoices (a blue invoice from attested payments,
// by the vendor's key or the buyer's claim token; the node submits
// RequestInvoice when the claim is new, then IssueInvoice) and
// GET /v1/invoices/{number}.
#include <memory>
#include <string>
#include <utility>

#include "api/merchant/claim_token.h"
#include "api/merchant/common.h"
#include "api/merchant/idempotency.h"
#include "api/merchant/invoice_access.h"
#include "api/merchant/merchant_api.h"
#include "contracts/keys.h"
#include "contracts/kinds.h"

namespace fapiao::api::merchant {
namespace {

using auth::Action;
using nlohmann::json;

Bytes Domain(std::string_view tag) {
  return Bytes(tag) + '\0';
}

// What the route settled before submitting: the transactions and what the
// buyer must keep (its auth secret and, for an individual, the name salt).
struct Plan {
  std::optional<pb::RequestInvoice> request;
  pb::IssueInvoice issue;
  json buyer_keeps;
};

Response NotVisible() {
  return ProblemResponse(MakeProblem(503, "merchant.not_visible",
                                     "the invoice is committed but not yet readable here"));
}

// The answer to an executed (or replayed) IssueInvoice. `keeps` only when this
// call's own RequestInvoice took effect (a replayed request's secrets were
// answered to the first call and are known to nobody here).
void AnswerIssue(const MerchantContext& ctx, const json& keeps, const Responder& respond,
                 Result<SubmitOutcome> r) {
  if (!r.ok()) return respond(SubmitProblem(r.status()));
  if (!r->accepted) return respond(ContractProblem(r->code));
  std::string number;
  for (const auto& e : r->events) {
    if (e.starts_with("invoice.issued ")) number = e.substr(15);
  }
  pb::Invoice inv;
  if (!LoadRecord(ctx.state->view(), contracts::keys::Invoice(number), inv)) {
    return respond(NotVisible());
  }
  json body{{"invoice", InvoiceJson(inv)}, {"height", r->height}, {"tx_id", r->tx_id}};
  if (!keeps.is_null()) body["buyer"] = keeps;
  respond(JsonResponse(201, body));
}

void SubmitIssue(const MerchantContext& ctx, const WriteIdentity& write, const Plan& plan,
                 const json& keeps, const Responder& respond) {
  SubmitWrite(ctx, write, static_cast<uint32_t>(contracts::TxKind::kIssueInvoice),
              plan.issue.SerializeAsString(), [ctx, keeps, respond](Result<SubmitOutcome> r) {
                AnswerIssue(ctx, keeps, respond, std::move(r));
              });
}

// The RequestInvoice of a new claim: title with the name commitment, buyer
// hash and the first buyer auth hash. Errors: merchant.random.
Result<pb::RequestInvoice> BuildRequest(const MerchantContext& ctx, const IssueInput& in,
                                        json& keeps) {
  const Hasher& h = *ctx.identity.hasher;
  pb::RequestInvoice r;
  r.mutable_payment()->set_provider(in.claim->provider);
  r.mutable_payment()->set_reference(in.claim->reference);
  r.set_claim_token(in.claim->token);
  *r.mutable_title() = *in.title;
  r.set_check_override_reason(in.check_override_reason);
  if (in.title->type() == pb::INDIVIDUAL) {
    auto salt = NewClaimSecret();
    if (!salt.ok()) return salt.status();
    r.mutable_title()->set_name_commitment(
        h.Digest(Domain("fapiao/buyer-name/v1") + *salt + in.individual_name).ToBytes());
    keeps["name_salt"] = ToHex(*salt);
  }
  r.set_buyer_hash(
      h.Digest(Domain("fapiao/buyer-hash/v1") + r.title().SerializeAsString()).ToBytes());
  auto secret = NewClaimSecret();
  if (!secret.ok()) return secret.status();
  r.set_buyer_auth_hash(h.Digest(Domain("fapiao/buyer/v1") + *secret).ToBytes());
  keeps["auth_secret"] = ToHex(*secret);
  keeps["buyer_hash"] = ToHex(r.buyer_hash());
  return r;
}

// Checks the caller, the claim and the node, fills defaults; a response when refused.
std::optional<Response> PlanIssue(const MerchantContext& ctx,
                                  const std::optional<auth::Principal>& key, IssueInput& in,
                                  Plan& plan) {
  const StateView& view = ctx.state->view();
  pb::Payment claimed;
  if (in.claim) {
    if (auto p = CheckClaim(ctx, *in.claim, claimed)) return ProblemReply(*p);
    if (claimed.requested() && claimed.invoice_count() > 0) {
      return ProblemReply(
          MakeProblem(403, "claim.used", "this claim token was already used", "/claim/token"));
    }
    // A request whose issuance was refused stands: issue against it.
    if (!claimed.requested()) {
      if (!in.title) {
        return ProblemReply(MakeProblem(400, "request.missing_field",
                                        "a new claim needs the buyer's title", "/title"));
      }
      plan.request.emplace();
    }
    if (in.issue.allocations_size() == 0) {
      auto* a = in.issue.add_allocations();
      a->mutable_payment()->set_provider(in.claim->provider);
      a->mutable_payment()->set_reference(in.claim->reference);
      a->set_amount_fen(claimed.attested().amount_fen() - claimed.invoiced_fen());
    }
  }
  pb::Payment first;
  const auto& pk = in.issue.allocations(0).payment();
  if (!LoadRecord(view, contracts::keys::Payment(pk.provider(), pk.reference()), first)) {
    return ContractProblem("payment.unknown", "/allocations/0/reference");
  }
  pb::Vendor vendor;
  LoadRecord(view, contracts::keys::Vendor(first.attested().vendor_id()), vendor);
  auth::ResourceScope scope =
      auth::ResourceScope::Vendor(first.attested().vendor_id(), vendor.info().market());
  if (key) {
    if (Status s = auth::Authorize(*key, Action::kIssueInvoice, scope); !s.ok()) {
      return AuthProblem(s);
    }
  } else {
    const std::string ref = in.claim->Ref();
    scope.covered_by_claim = [&](std::string_view r) { return r == ref; };
    for (const auto& a : in.issue.allocations()) {
      const std::string drawn =
          std::to_string(a.payment().provider()) + ":" + a.payment().reference();
      if (drawn != ref) {
        return AuthProblem(Status::Error("auth.forbidden", "the claim covers only payment " + ref));
      }
    }
    if (Status s = auth::Authorize(auth::Principal::Buyer(ref), Action::kRequestInvoice, scope);
        !s.ok()) {
      return AuthProblem(s);
    }
  }
  if (ctx.identity.role != pb::MARKET_OPERATOR || ctx.identity.member != vendor.operator_member()) {
    return ProblemResponse(
        MakeProblem(421, "invoice.wrong_node",
                    "invoices of vendor " + vendor.info().vendor_id() + " are issued by member " +
                        std::to_string(vendor.operator_member()) + ", the operator of market " +
                        vendor.info().market() + "; send this request to that member's node"));
  }
  if (in.issue.lines_size() == 0) {
    int64_t total = 0;
    for (const auto& a : in.issue.allocations()) total += a.amount_fen();
    const auto& items = first.attested().items();
    auto line = DefaultLine(vendor, items.empty() ? "商品" : items[0].name(), total);
    if (!line) {
      return ProblemResponse(MakeProblem(422, "request.lines_required",
                                         "the vendor has no default that fits; send lines",
                                         "/lines"));
    }
    *in.issue.add_lines() = std::move(*line);
  }
  in.issue.set_vendor_id(first.attested().vendor_id());
  plan.issue = in.issue;
  if (plan.request) {
    auto r = BuildRequest(ctx, in, plan.buyer_keeps);
    if (!r.ok()) return ProblemResponse(ProblemFromStatus(500, r.status()));
    plan.request = std::move(*r);
  }
  return std::nullopt;
}

void IssueClaimed(const MerchantContext& ctx, const Request& req,
                  const std::optional<auth::Principal>& key, IssueInput& input,
                  const Responder& respond);

void IssueInvoiceRoute(const MerchantContext& ctx, const Request& req, Responder respond) {
  // A key is checked before the body; without one the body's claim is the credential.
  std::optional<auth::Principal> key;
  if (req.Header("Authorization")) {
    auto principal = AuthenticateRequest(*ctx.keys, req);
    if (!principal.ok()) return respond(AuthProblem(principal.status()));
    if (!auth::RoleMay(principal->role, Action::kIssueInvoice)) {
      return respond(Forbidden(*principal, Action::kIssueInvoice));
    }
    key = *principal;
  }
  const auto unauthenticated = [&] {
    return AuthProblem(AuthenticateRequest(*ctx.keys, req).status());
  };
  const json raw = json::parse(req.body, nullptr, false);
  if (!key && !(raw.is_object() && raw.contains("claim"))) return respond(unauthenticated());
  auto body = ParseJsonBody(req, IssueInvoiceSpec());
  if (!body) return respond(ProblemResponse(body.problem()));
  auto input = ParseIssueInput(body.value());
  if (!input) return respond(ProblemResponse(input.problem()));
  // A claim may name the height that attested its payment on the provider's node:
  // this node answers once it has executed that block too.
  std::optional<ClaimInput> claim = input.value().claim;
  AwaitClaim(ctx, claim, [ctx, &req, key, in = std::move(input.value()), respond]() mutable {
    IssueClaimed(ctx, req, key, in, respond);
  });
}

// The rest of POST /v1/invoices, once the claim's height is executed here.
void IssueClaimed(const MerchantContext& ctx, const Request& req,
                  const std::optional<auth::Principal>& key, IssueInput& input,
                  const Responder& respond) {
  // A retry of an issuance already committed is answered from the ledger, before
  // the claim (spent by the first) is checked again.
  const WriteIdentity write = WriteIdentity::Of(ctx, req);
  if (auto repeat =
          CommittedRepeat(ctx, write, static_cast<uint32_t>(contracts::TxKind::kIssueInvoice))) {
    return AnswerIssue(ctx, json(), respond, std::move(*repeat));
  }
  Plan plan;
  if (auto refused = PlanIssue(ctx, key, input, plan)) return respond(*refused);
  if (!plan.request) return SubmitIssue(ctx, write, plan, json(), respond);
  // A new claim: RequestInvoice and IssueInvoice in one batch, so one block commits both
  // (the issuance sees the request before it) and the buyer waits for one block, not two.
  std::vector<std::pair<uint32_t, Bytes>> writes;
  writes.emplace_back(static_cast<uint32_t>(contracts::TxKind::kRequestInvoice),
                      plan.request->SerializeAsString());
  writes.emplace_back(static_cast<uint32_t>(contracts::TxKind::kIssueInvoice),
                      plan.issue.SerializeAsString());
  SubmitWrites(ctx, write, std::move(writes),
               [ctx, keeps = plan.buyer_keeps, respond](std::vector<Result<SubmitOutcome>> out) {
                 Result<SubmitOutcome>& r = out.at(0);
                 if (!r.ok()) return respond(SubmitProblem(r.status()));
                 if (!r->accepted) return respond(ContractProblem(r->code));
                 AnswerIssue(ctx, r->replayed ? json() : keeps, respond, std::move(out.at(1)));
               });
}

Response GetInvoice(const MerchantContext& ctx, const Request& req) {
  auto stored = ReadInvoiceFor(ctx, req);
  if (!stored) return ProblemReply(stored.problem());
  return JsonResponse(200, json{{"invoice", InvoiceJson(stored.value().invoice)},
                                {"height", stored.value().height}});
}

}  // namespace

void AddInvoiceRoutes(Router& router, const MerchantContext& ctx) {
  const RouteOptions opts{kMerchantMaxBody};
  router.AddAsync(
      "POST", "/v1/invoices",
      [ctx](const Request& r, Responder respond) { IssueInvoiceRoute(ctx, r, std::move(respond)); },
      opts);
  router.Add(
      "GET", "/v1/invoices/{number}", [ctx](const Request& r) { return GetInvoice(ctx, r); }, opts);
}

}  // namespace fapiao::api::merchant
