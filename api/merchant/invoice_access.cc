#include "api/merchant/invoice_access.h"

#include <charconv>

#include "api/auth/keys.h"
#include "api/merchant/common.h"
#include "contracts/keys.h"

namespace fapiao::api::merchant {
namespace {

using auth::Action;

bool Draws(const pb::Invoice& inv, std::string_view claim_ref) {
  for (const auto& a : inv.allocations()) {
    if (std::to_string(a.payment().provider()) + ":" + a.payment().reference() == claim_ref) {
      return true;
    }
  }
  return false;
}

// The claim of ?provider=&ref=&token=, or nullopt when the query has no token.
ProblemOr<std::optional<ClaimInput>> QueryClaim(const Request& req) {
  const auto token = req.Query("token");
  if (!token) return std::optional<ClaimInput>();
  ClaimInput c;
  const std::string_view provider = req.Query("provider").value_or("");
  const auto [end, ec] =
      std::from_chars(provider.data(), provider.data() + provider.size(), c.provider);
  if (ec != std::errc() || end != provider.data() + provider.size() || provider.empty()) {
    return MakeProblem(400, "request.invalid_query", "provider must be a member index", "provider");
  }
  c.reference = std::string(req.Query("ref").value_or(""));
  c.token = std::string(*token);
  return std::optional<ClaimInput>(std::move(c));
}

}  // namespace

void AwaitClaim(const MerchantContext& ctx, const std::optional<ClaimInput>& claim,
                std::function<void()> then) {
  if (!claim || claim->height == 0 || ctx.state->height() >= claim->height) return then();
  ctx.state->AwaitHeight(claim->height, kClaimHeightWait, std::move(then));
}

std::optional<Problem> CheckClaim(const MerchantContext& ctx, const ClaimInput& claim,
                                  pb::Payment& payment) {
  const bool found = LoadRecord(ctx.state->view(),
                                contracts::keys::Payment(claim.provider, claim.reference), payment);
  if (!found) {
    // Not (yet) here: the attestation may be in a block this node has not executed.
    return MakeProblem(404, "payment.unknown",
                       "no payment " + std::to_string(claim.provider) + "/" + claim.reference +
                           " is attested on this node yet; if it was just paid, retry in a moment",
                       "/claim/reference");
  }
  if (ctx.claims->HashOf(claim.token) != payment.attested().claim_token_hash()) {
    return MakeProblem(403, "claim.invalid", "the claim token does not match that payment",
                       "/claim/token");
  }
  return std::nullopt;
}

ProblemOr<StoredInvoice> ReadInvoiceFor(const MerchantContext& ctx, const Request& req) {
  auto claim = QueryClaim(req);
  if (!claim) return claim.problem();
  auth::Principal principal;
  if (claim.value() && !req.Header("Authorization")) {
    pb::Payment payment;
    if (auto p = CheckClaim(ctx, *claim.value(), payment)) return *p;
    principal = auth::Principal::Buyer(claim.value()->Ref());
  } else {
    auto keyed = AuthenticateRequest(*ctx.keys, req);
    if (!keyed.ok()) return ProblemFromStatus(auth::HttpStatusFor(keyed.status()), keyed.status());
    principal = *keyed;
  }
  if (!auth::RoleMay(principal.role, Action::kReadInvoice)) {
    return ProblemFromStatus(
        403, Status::Error("auth.forbidden",
                           std::string(auth::RoleName(principal.role)) + " may not invoice.read"));
  }
  const std::string number(req.PathParam("number").value_or(""));
  StoredInvoice out;
  out.height = ctx.state->height();
  auto raw = ctx.state->view().Get(Column::kState, contracts::keys::Invoice(number));
  if (!raw || !out.invoice.ParseFromString(*raw)) {
    return MakeProblem(404, "invoice.unknown", "no invoice '" + number + "'");
  }
  out.record = std::move(*raw);
  const pb::Invoice& inv = out.invoice;
  auth::ResourceScope scope = auth::ResourceScope::Vendor(inv.vendor_id(), inv.market());
  scope.submitted_to = [&inv](std::string_view org) {
    return inv.mark() != pb::MARK_INIT && std::to_string(inv.mark_org()) == org;
  };
  scope.covered_by_claim = [&inv](std::string_view ref) { return Draws(inv, ref); };
  if (Status s = auth::Authorize(principal, Action::kReadInvoice, scope); !s.ok()) {
    return ProblemFromStatus(403, s);
  }
  return out;
}

}  // namespace fapiao::api::merchant
