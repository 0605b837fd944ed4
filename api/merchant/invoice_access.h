// Who may touch an invoice: claim tokens checked against the ledger (the
// payment's claim_token_hash), and the shared read path of the invoice routes
// (GET, qr.png/qr.svg, proof): authenticate by API key or by the claim in the
// query, load the committed record, authorize. Pure over the ports; thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "api/merchant/invoice_json.h"
#include "api/merchant/merchant_api.h"

namespace fapiao::api::merchant {

// 404 payment.unknown when this node has no such payment (yet: it may not
// have executed the attestation's block), 403 claim.invalid (field
// /claim/token) unless its claim_token_hash is H(token); fills `payment`.
std::optional<Problem> CheckClaim(const MerchantContext& ctx, const ClaimInput& claim,
                                  pb::Payment& payment);

// How long a claim waits for this node to execute its payment's height.
inline constexpr std::chrono::milliseconds kClaimHeightWait{2000};

// Calls `then` once this node has executed the height the claim names
// (ClaimInput::height), at once when there is no claim or height or it has,
// or after kClaimHeightWait; `then` checks the claim (from any thread).
void AwaitClaim(const MerchantContext& ctx, const std::optional<ClaimInput>& claim,
                std::function<void()> then);

struct StoredInvoice {
  pb::Invoice invoice;
  Bytes record;         // the bytes as stored under keys::Invoice(number)
  uint64_t height = 0;  // committed height when read
};

// The invoice `{number}` for a caller allowed to read it (docs/http.md):
// a key (vendor: its own; reimbursing org: locked by it; tax officer), or
// ?provider=&ref=&token= of a payment the invoice draws from.
ProblemOr<StoredInvoice> ReadInvoiceFor(const MerchantContext& ctx, const Request& request);

}  // namespace fapiao::api::merchant
