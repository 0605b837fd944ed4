// The merchant API (docs/http.md "Merchant API (part 1)" and "(part 2)"):
// vendors, payments and invoices (issue, read, QR, proof, verify) over the
// ports of ports.h. The context is borrowed: everything it points to must
// outlive the router's server.
#pragma once

#include "api/auth/key_store.h"
#include "api/merchant/claim_token.h"
#include "api/merchant/ports.h"
#include "api/router.h"
#include "qr/offline_verify.h"

namespace fapiao::api::merchant {

struct MerchantContext {
  const CommittedState* state = nullptr;
  Submitter* submitter = nullptr;
  const auth::KeyStore* keys = nullptr;
  const ClaimTokens* claims = nullptr;
  NodeIdentity identity;
  const qr::TrustAnchors* anchors = nullptr;  // the consortium's keys, for POST /v1/verify
};

// Bodies larger than this are refused with 413 by the server.
inline constexpr std::size_t kMerchantMaxBody = 64 * 1024;

// REQUIRES: every pointer in `context` non-null.
void AddMerchantRoutes(Router& router, const MerchantContext& context);

}  // namespace fapiao::api::merchant
