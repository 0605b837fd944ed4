// Red-letter confirmation form routes (docs/http.md "Merchant API (part 3)"):
// POST /v1/red-letter-forms (open), GET /v1/red-letter-forms/{id}, and
// POST .../{id}/confirm, /reject, /withdraw. The seller acts with the vendor's
// key through the operator of the invoice's market (421 elsewhere); the buyer
// acts without a key, with its buyer secret (docs/contracts.md "Buyer
// authentication"), from any node. Each write is dry-run against committed
// state first, so a refusal the ledger would make costs nothing.
#include <charconv>
#include <memory>
#include <string>
#include <utility>

#include "api/merchant/claim_token.h"
#include "api/merchant/common.h"
#include "api/merchant/dry_run.h"
#include "api/merchant/idempotency.h"
#include "api/merchant/invoice_access.h"
#include "api/merchant/invoice_json.h"
#include "api/merchant/merchant_api.h"
#include "api/merchant/red_letter_json.h"
#include "contracts/keys.h"
#include "contracts/kinds.h"

namespace fapiao::api::merchant {
namespace {

using auth::Action;
using contracts::TxKind;
using nlohmann::json;

struct ActionKind {
  Action action;
  TxKind kind;
  bool by_opener;  // withdraw: the opener acts; confirm / reject: the confirmer
};

// The vendor's key, when the request carries one: 401 / 403 when it may not act.
std::optional<Response> KeyFor(const MerchantContext& ctx, const Request& req, Action action,
                               std::optional<auth::Principal>& key) {
  if (!req.Header("Authorization")) return std::nullopt;
  auto principal = AuthenticateRequest(*ctx.keys, req);
  if (!principal.ok()) return AuthProblem(principal.status());
  if (!auth::RoleMay(principal->role, action)) return Forbidden(*principal, action);
  key = *principal;
  return std::nullopt;
}

// A call without a key must prove the buyer; without `buyer` it is unauthenticated.
std::optional<Response> NeedsCredentials(const MerchantContext& ctx, const Request& req,
                                         const std::optional<auth::Principal>& key) {
  if (key) return std::nullopt;
  const json raw = json::parse(req.body, nullptr, false);
  if (raw.is_object() && raw.contains("buyer")) return std::nullopt;
  return AuthProblem(AuthenticateRequest(*ctx.keys, req).status());
}

std::optional<Response> KeyWithBuyer(const std::optional<auth::Principal>& key,
                                     const std::optional<BuyerProof>& buyer) {
  if (!key || !buyer) return std::nullopt;
  return ProblemResponse(MakeProblem(422, "request.invalid_field",
                                     "buyer is the keyless buyer's proof; a key acts as the seller",
                                     "/buyer"));
}

// The seller's transactions come from the operator of the vendor's market.
std::optional<Response> SellerNode(const MerchantContext& ctx, const pb::Invoice& blue) {
  pb::Vendor vendor;
  LoadRecord(ctx.state->view(), contracts::keys::Vendor(blue.vendor_id()), vendor);
  if (ctx.identity.role == pb::MARKET_OPERATOR && ctx.identity.member == vendor.operator_member()) {
    return std::nullopt;
  }
  return ProblemResponse(
      MakeProblem(421, "invoice.wrong_node",
                  "the seller of invoice " + blue.number() + " acts through member " +
                      std::to_string(vendor.operator_member()) + ", the operator of market " +
                      blue.market() + "; send this request to that member's node"));
}

std::optional<Response> VendorOwns(const auth::Principal& key, Action action,
                                   const pb::Invoice& blue) {
  Status s =
      auth::Authorize(key, action, auth::ResourceScope::Vendor(blue.vendor_id(), blue.market()));
  if (!s.ok()) return AuthProblem(s);
  return std::nullopt;
}

// The buyer's step of its secret chain; `keeps` gets the next secret when the
// node drew it. Errors: merchant.random.
Result<pb::BuyerAuth> BuyerStep(const MerchantContext& ctx, const BuyerProof& proof, json& keeps) {
  pb::BuyerAuth auth;
  auth.set_secret(proof.secret);
  if (proof.next_auth_hash) {
    auth.set_next_auth_hash(*proof.next_auth_hash);
    return auth;
  }
  auto next = NewClaimSecret();
  if (!next.ok()) return next.status();
  auth.set_next_auth_hash(
      ctx.identity.hasher->Digest(Bytes("fapiao/buyer/v1") + '\0' + *next).ToBytes());
  keeps["auth_secret"] = ToHex(*next);
  return auth;
}

using FieldFn = std::string (*)(const std::string& code);

// The field of the open body a contract refusal points at.
std::string OpenField(const std::string& code) {
  if (code == "buyer.auth_failed") return "/buyer/auth_secret";
  if (code == "invoice.unknown" || code == "redletter.not_blue") return "/invoice_number";
  if (code == "redletter.exceeds_blue" || code == "redletter.invalid") return "/lines";
  return {};
}

// The field of an action body: only the buyer's proof.
std::string ActionField(const std::string& code) {
  return code == "buyer.auth_failed" ? "/buyer/auth_secret" : std::string();
}

// A response when the dry run refuses (time-dependent refusals go to the ledger).
std::optional<Response> Precheck(const MerchantContext& ctx, TxKind kind,
                                 const google::protobuf::MessageLite& msg, FieldFn field_of) {
  Status s = DryRun(ctx, kind, msg);
  if (s.ok() || TimeDependent(s.code())) return std::nullopt;
  return ProblemResponse(
      MakeProblem(ContractHttpStatus(s.code()), s.code(), s.message(), field_of(s.code())));
}

std::string EventSubject(const SubmitOutcome& out, std::string_view kind) {
  const std::string prefix = std::string(kind) + " ";
  for (const auto& e : out.events) {
    if (e.starts_with(prefix)) return e.substr(prefix.size());
  }
  return {};
}

// What a form write answers once executed (or replayed for an Idempotency-Key):
// {form, red_invoice?, height, tx_id, buyer?}. `form_id` is empty when opening.
struct FormAnswer {
  std::string form_id;
  FieldFn field_of;
  json keeps;  // the buyer's next secret, when this call drew it
  int success;
};

void Answer(const MerchantContext& ctx, const FormAnswer& a, const Responder& respond,
            Result<SubmitOutcome> r) {
  if (!r.ok()) return respond(SubmitProblem(r.status()));
  if (!r->accepted) return respond(ContractProblem(r->code, a.field_of(r->code)));
  const std::string id = a.form_id.empty() ? EventSubject(*r, "redletter.opened") : a.form_id;
  pb::RedLetterForm form;
  if (!LoadRecord(ctx.state->view(), contracts::keys::Form(id), form)) {
    return respond(ProblemResponse(MakeProblem(503, "merchant.not_visible",
                                               "the form is committed but not yet readable here")));
  }
  json body{{"form", FormJson(form)}, {"height", r->height}, {"tx_id", r->tx_id}};
  pb::Invoice red;
  if (!form.red_number().empty() &&
      LoadRecord(ctx.state->view(), contracts::keys::Invoice(form.red_number()), red)) {
    body["red_invoice"] = InvoiceJson(red);
  }
  // A replayed write's secret was answered to the first call only.
  if (!a.keeps.is_null() && !r->replayed) body["buyer"] = a.keeps;
  respond(JsonResponse(a.success, body));
}

void SubmitForm(const MerchantContext& ctx, const WriteIdentity& write, TxKind kind, Bytes payload,
                FormAnswer a, Responder respond) {
  SubmitWrite(ctx, write, static_cast<uint32_t>(kind), std::move(payload),
              [ctx, a = std::move(a), respond](Result<SubmitOutcome> r) {
                Answer(ctx, a, respond, std::move(r));
              });
}

void OpenForm(const MerchantContext& ctx, const Request& req, Responder respond) {
  std::optional<auth::Principal> key;
  if (auto r = KeyFor(ctx, req, Action::kOpenRedLetter, key)) return respond(*r);
  if (auto r = NeedsCredentials(ctx, req, key)) return respond(*r);
  auto body = ParseJsonBody(req, OpenFormSpec());
  if (!body) return respond(ProblemReply(body.problem()));
  auto input = ParseOpenForm(body.value());
  if (!input) return respond(ProblemReply(input.problem()));
  OpenFormInput& in = input.value();
  if (auto r = KeyWithBuyer(key, in.buyer)) return respond(*r);
  // A retry of a write already committed is answered from the ledger.
  const WriteIdentity write = WriteIdentity::Of(ctx, req);
  const FormAnswer answer{{}, OpenField, json(), 201};
  if (auto repeat =
          CommittedRepeat(ctx, write, static_cast<uint32_t>(TxKind::kOpenRedLetterForm))) {
    return Answer(ctx, answer, respond, std::move(*repeat));
  }
  pb::Invoice blue;
  if (!LoadRecord(ctx.state->view(), contracts::keys::Invoice(in.open.blue_number()), blue)) {
    return respond(ContractProblem("invoice.unknown", "/invoice_number"));
  }
  for (int i = 0; i < in.open.lines_size(); ++i) {
    if (in.open.lines(i).line() >= static_cast<uint32_t>(blue.lines_size())) {
      return respond(ProblemResponse(MakeProblem(
          422, "request.invalid_field",
          "invoice " + blue.number() + " has " + std::to_string(blue.lines_size()) + " lines",
          "/lines/" + std::to_string(i) + "/line")));
    }
  }
  json keeps;
  if (key) {
    if (auto r = VendorOwns(*key, Action::kOpenRedLetter, blue)) return respond(*r);
    if (auto r = SellerNode(ctx, blue)) return respond(*r);
    in.open.set_opener(pb::SELLER);
  } else {
    auto step = BuyerStep(ctx, *in.buyer, keeps);
    if (!step.ok()) return respond(ProblemResponse(ProblemFromStatus(500, step.status())));
    in.open.set_opener(pb::BUYER);
    *in.open.mutable_buyer() = std::move(*step);
  }
  if (auto r = Precheck(ctx, TxKind::kOpenRedLetterForm, in.open, OpenField)) return respond(*r);
  SubmitForm(ctx, write, TxKind::kOpenRedLetterForm, in.open.SerializeAsString(),
             {{}, OpenField, std::move(keeps), 201}, std::move(respond));
}

void ActOnForm(const MerchantContext& ctx, const ActionKind& ak, const Request& req,
               Responder respond) {
  std::optional<auth::Principal> key;
  if (auto r = KeyFor(ctx, req, ak.action, key)) return respond(*r);
  if (auto r = NeedsCredentials(ctx, req, key)) return respond(*r);
  // A keyed action may come without a body.
  json parsed = json::object();
  if (!key || !req.body.empty()) {
    auto body = ParseJsonBody(req, FormActionSpec());
    if (!body) return respond(ProblemReply(body.problem()));
    parsed = std::move(body.value());
  }
  auto buyer = ParseFormAction(parsed);
  if (!buyer) return respond(ProblemReply(buyer.problem()));
  if (auto r = KeyWithBuyer(key, buyer.value())) return respond(*r);
  const std::string id(req.PathParam("id").value_or(""));
  const WriteIdentity write = WriteIdentity::Of(ctx, req);
  if (auto repeat = CommittedRepeat(ctx, write, static_cast<uint32_t>(ak.kind))) {
    return Answer(ctx, {id, ActionField, json(), 200}, respond, std::move(*repeat));
  }
  pb::RedLetterForm form;
  pb::Invoice blue;
  if (!LoadRecord(ctx.state->view(), contracts::keys::Form(id), form) ||
      !LoadRecord(ctx.state->view(), contracts::keys::Invoice(form.open().blue_number()), blue)) {
    return respond(ContractProblem("redletter.unknown_form"));
  }
  const pb::Party caller = key ? pb::SELLER : pb::BUYER;
  const pb::Party needed = ak.by_opener ? form.open().opener() : form.confirmer();
  pb::FormAction msg;
  msg.set_form_id(id);
  json keeps;
  if (key) {
    if (auto r = VendorOwns(*key, ak.action, blue)) return respond(*r);
  }
  if (form.status() == pb::PENDING && caller != needed) {
    return respond(ProblemResponse(
        MakeProblem(403, "redletter.wrong_party",
                    std::string(ak.by_opener ? "only the opener (" : "only the counterparty (") +
                        (needed == pb::SELLER ? "the seller" : "the buyer") + ") may do this")));
  }
  if (key) {
    if (auto r = SellerNode(ctx, blue)) return respond(*r);
  } else {
    auto step = BuyerStep(ctx, *buyer.value(), keeps);
    if (!step.ok()) return respond(ProblemResponse(ProblemFromStatus(500, step.status())));
    *msg.mutable_buyer() = std::move(*step);
  }
  if (auto r = Precheck(ctx, ak.kind, msg, ActionField)) return respond(*r);
  SubmitForm(ctx, write, ak.kind, msg.SerializeAsString(), {id, ActionField, std::move(keeps), 200},
             std::move(respond));
}

// GET: the vendor (its own), a tax officer, or the buyer by the claim query of
// a payment the blue invoice draws from (as GET /v1/invoices/{number}).
Response GetForm(const MerchantContext& ctx, const Request& req) {
  auth::Principal principal;
  std::string claim_ref;
  const auto token = req.Query("token");
  if (token && !req.Header("Authorization")) {
    ClaimInput c;
    const std::string_view provider = req.Query("provider").value_or("");
    const auto [end, ec] =
        std::from_chars(provider.data(), provider.data() + provider.size(), c.provider);
    if (provider.empty() || ec != std::errc() || end != provider.data() + provider.size()) {
      return ProblemReply(
          MakeProblem(400, "request.invalid_query", "provider must be a member index", "provider"));
    }
    c.reference = std::string(req.Query("ref").value_or(""));
    c.token = std::string(*token);
    pb::Payment payment;
    if (auto p = CheckClaim(ctx, c, payment)) return ProblemReply(*p);
    claim_ref = c.Ref();
    principal = auth::Principal::Buyer(claim_ref);
  } else {
    auto keyed = AuthenticateRequest(*ctx.keys, req);
    if (!keyed.ok()) return AuthProblem(keyed.status());
    principal = *keyed;
  }
  if (!auth::RoleMay(principal.role, Action::kReadInvoice)) {
    return Forbidden(principal, Action::kReadInvoice);
  }
  const std::string id(req.PathParam("id").value_or(""));
  pb::RedLetterForm form;
  pb::Invoice blue;
  if (!LoadRecord(ctx.state->view(), contracts::keys::Form(id), form) ||
      !LoadRecord(ctx.state->view(), contracts::keys::Invoice(form.open().blue_number()), blue)) {
    return ProblemReply(MakeProblem(404, "redletter.unknown_form", "no form '" + id + "'"));
  }
  // Parties only: a reimbursing organisation (no submitted_to predicate) is refused.
  auth::ResourceScope scope = auth::ResourceScope::Vendor(blue.vendor_id(), blue.market());
  scope.covered_by_claim = [&blue](std::string_view ref) {
    for (const auto& a : blue.allocations()) {
      if (std::to_string(a.payment().provider()) + ":" + a.payment().reference() == ref) {
        return true;
      }
    }
    return false;
  };
  if (Status s = auth::Authorize(principal, Action::kReadInvoice, scope); !s.ok()) {
    return AuthProblem(s);
  }
  return JsonResponse(200, json{{"form", FormJson(form)}, {"height", ctx.state->height()}});
}

}  // namespace

void AddRedLetterRoutes(Router& router, const MerchantContext& ctx) {
  const RouteOptions opts{kMerchantMaxBody};
  router.AddAsync(
      "POST", "/v1/red-letter-forms",
      [ctx](const Request& r, Responder respond) { OpenForm(ctx, r, std::move(respond)); }, opts);
  router.Add(
      "GET", "/v1/red-letter-forms/{id}", [ctx](const Request& r) { return GetForm(ctx, r); },
      opts);
  const std::pair<const char*, ActionKind> actions[] = {
      {"confirm", {Action::kConfirmRedLetter, TxKind::kConfirmRedLetterForm, false}},
      {"reject", {Action::kRejectRedLetter, TxKind::kRejectRedLetterForm, false}},
      {"withdraw", {Action::kWithdrawRedLetter, TxKind::kWithdrawRedLetterForm, true}},
  };
  for (const auto& [verb, ak] : actions) {
    router.AddAsync(
        "POST", std::string("/v1/red-letter-forms/{id}/") + verb,
        [ctx, ak](const Request& r, Responder respond) {
          ActOnForm(ctx, ak, r, std::move(respond));
        },
        opts);
  }
}

}  // namespace fapiao::api::merchant
