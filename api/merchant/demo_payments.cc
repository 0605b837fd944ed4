// Demo only (docs/http.md "Buyer page"): POST /demo/payments, a plain HTML form
// post that attests a payment as this payment provider member, without a key,
// for {vendor_id, amount in yuan}, then sends the browser (303) to the claim
// URL on the market operator's node. Registered only when the node's
// `demo_payments` option is on and the node is a payment provider.
#include <chrono>
#include <string>
#include <utility>

#include "api/merchant/buyer_links.h"
#include "api/merchant/common.h"
#include "api/merchant/merchant_api.h"
#include "contracts/keys.h"
#include "contracts/kinds.h"

namespace fapiao::api::merchant {
namespace {

Response Problem422(const std::string& code, const std::string& detail, const std::string& field) {
  return ProblemResponse(MakeProblem(422, code, detail, field));
}

// "12", "12.5", "12.50" yuan -> fen; at most 12 integer digits, 2 decimals, above zero.
std::optional<int64_t> ParseYuan(std::string_view text) {
  int64_t fen = 0;
  size_t i = 0, int_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++int_digits) {
    fen = fen * 10 + (text[i] - '0');
  }
  if (int_digits == 0 || int_digits > 12) return std::nullopt;
  int64_t cents = 0;
  size_t decimals = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++decimals) {
      cents = cents * 10 + (text[i] - '0');
    }
    if (decimals == 0 || decimals > 2) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  if (decimals == 1) cents *= 10;
  fen = fen * 100 + cents;
  if (fen <= 0) return std::nullopt;
  return fen;
}

void DemoPay(const MerchantContext& ctx, const Request& req, Responder respond) {
  const std::string_view type = req.Header("Content-Type").value_or("");
  if (!type.starts_with("application/x-www-form-urlencoded")) {
    return respond(ProblemResponse(
        MakeProblem(415, "request.unsupported_media_type",
                    "this route takes an HTML form (application/x-www-form-urlencoded)")));
  }
  auto form = ParseQuery(req.body);
  if (!form) {
    return respond(ProblemResponse(
        MakeProblem(400, "request.malformed_form", "the form body has a malformed %XX escape")));
  }
  std::string vendor_id, amount, item;
  bool has_vendor = false, has_amount = false;
  for (const auto& [name, value] : *form) {
    if (name == "vendor_id") {
      vendor_id = value, has_vendor = true;
    } else if (name == "amount") {
      amount = value, has_amount = true;
    } else if (name == "item") {
      item = value;
    } else {
      return respond(ProblemResponse(MakeProblem(
          400, "request.unknown_field", "the field '" + name + "' is not known here", "/" + name)));
    }
  }
  if (!has_vendor || !has_amount) {
    const std::string missing = has_vendor ? "amount" : "vendor_id";
    return respond(ProblemResponse(MakeProblem(
        400, "request.missing_field", "the field '" + missing + "' is required", "/" + missing)));
  }
  const auto fen = ParseYuan(amount);
  if (!fen) {
    return respond(Problem422("request.invalid_amount",
                              "amount is yuan above zero with at most two decimals, like 12.50",
                              "/amount"));
  }
  if (item.size() > 64) {
    return respond(Problem422("request.invalid_field", "item must be at most 64 bytes", "/item"));
  }
  pb::Vendor vendor;
  if (!LoadRecord(ctx.state->view(), contracts::keys::Vendor(vendor_id), vendor)) {
    return respond(ProblemResponse(
        MakeProblem(404, "vendor.unknown", "no vendor '" + vendor_id + "'", "/vendor_id")));
  }
  auto nonce = NewClaimSecret();
  if (!nonce.ok()) return respond(ProblemResponse(ProblemFromStatus(500, nonce.status())));
  pb::AttestPayment msg;
  msg.set_vendor_id(vendor_id);
  msg.set_reference("DEMO-" + ToHex(ByteView(*nonce).substr(0, 8)));
  msg.set_amount_fen(*fen);
  // The demo's payment time is this node's clock; a real provider sends its own.
  msg.set_paid_at_ms(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count()));
  if (!item.empty()) {
    auto* line = msg.add_items();
    line->set_name(item);
    line->set_amount_fen(*fen);
  }
  const uint32_t provider = ctx.identity.member;
  const std::string token = ctx.claims->TokenFor(provider, msg.reference());
  msg.set_claim_token_hash(ctx.claims->HashOf(token));
  const uint32_t operator_member = vendor.operator_member();
  ctx.submitter->Submit(
      static_cast<uint32_t>(contracts::TxKind::kAttestPayment), msg.SerializeAsString(),
      [ctx, operator_member, provider, reference = msg.reference(), token,
       respond](Result<SubmitOutcome> r) {
        if (!r.ok()) return respond(SubmitProblem(r.status()));
        if (!r->accepted) return respond(ContractProblem(r->code));
        const std::string location =
            ClaimUrl(ctx, operator_member, provider, reference, token, r->height);
        Response see_other =
            Response::Text(303, "The payment is attested; claim the invoice at " + location);
        see_other.headers.emplace_back("Location", location);
        respond(std::move(see_other));
      });
}

}  // namespace

void AddDemoPaymentRoutes(Router& router, const MerchantContext& ctx) {
  if (!ctx.demo_payments || ctx.identity.role != pb::PAYMENT_PROVIDER) return;
  router.AddAsync(
      "POST", "/demo/payments",
      [ctx](const Request& r, Responder respond) { DemoPay(ctx, r, std::move(respond)); },
      RouteOptions{4096});
}

}  // namespace fapiao::api::merchant
