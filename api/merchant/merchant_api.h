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

// Where another member's node serves HTTP, for links across nodes (the buyer
// pages, claim URLs): its role and API base URL ("http://host:port", no
// trailing slash) from the consortium file; empty when unknown.
struct MemberLink {
  pb::Role role = pb::ROLE_UNSPECIFIED;
  std::string base_url;
};

struct MerchantContext {
  const CommittedState* state = nullptr;
  Submitter* submitter = nullptr;
  const auth::KeyStore* keys = nullptr;
  const ClaimTokens* claims = nullptr;
  NodeIdentity identity;
  const qr::TrustAnchors* anchors = nullptr;  // the consortium's keys, for POST /v1/verify
  std::vector<MemberLink> members = {};  // index = member; may be empty (then links stay local)
  // node.toml `demo_payments` (docs/http.md "Buyer page"): a keyless POST /demo/payments on a
  // payment provider's node and the vendor page's "Pay (demo)" button. Never on in production.
  bool demo_payments = false;
};

// Bodies larger than this are refused with 413 by the server.
inline constexpr std::size_t kMerchantMaxBody = 64 * 1024;

// REQUIRES: every pointer in `context` non-null.
void AddMerchantRoutes(Router& router, const MerchantContext& context);

}  // namespace fapiao::api::merchant
