// The URLs the buyer follows across member nodes (docs/http.md "Buyer page"):
// the stall QR's vendor page and the payment's claim URL both point at the
// node of the operator of the vendor's market, the only node that issues its
// invoices. Pure functions over the context; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/merchant/merchant_api.h"

namespace fapiao::api::merchant {

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string UrlEncode(std::string_view text);

// The API base URL of `member`'s node (MerchantContext::members), or this
// node's own public_base_url when that member's URL is not known.
std::string MemberBaseUrl(const MerchantContext& ctx, uint32_t member);

// <operator's base>/buyer/vendors/<id>: what the stall QR encodes.
std::string VendorPageUrl(const MerchantContext& ctx, uint32_t operator_member,
                          std::string_view vendor_id);
// <operator's base>/buyer/claim?provider=<p>&ref=<reference>&token=<token>[&height=<h>]:
// `height` (0: left out) is the block that attested the payment, which the
// operator's node waits to have executed before it answers (AwaitClaim).
std::string ClaimUrl(const MerchantContext& ctx, uint32_t operator_member, uint32_t provider,
                     std::string_view reference, std::string_view token, uint64_t height = 0);

// The payment provider member whose node takes demo payments: this node when it
// is one, else the lowest-indexed payment provider with a known URL.
std::optional<uint32_t> DemoPaymentProvider(const MerchantContext& ctx);

}  // namespace fapiao::api::merchant
