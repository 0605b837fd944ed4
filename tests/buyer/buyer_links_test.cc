// Cross-node links of the buyer flow (api/merchant/buyer_links.h): the stall
// QR and the claim URL point at the node of the vendor's market operator.
#include <catch2/catch.hpp>

#include "api/merchant/buyer_links.h"

namespace fapiao::api::merchant {
namespace {

MerchantContext Context(uint32_t self, pb::Role role) {
  MerchantContext ctx;
  ctx.identity.member = self;
  ctx.identity.role = role;
  ctx.identity.public_base_url = "http://self:9000";
  ctx.members = {{pb::TAX_BUREAU, "http://tax:8102"},
                 {pb::MARKET_OPERATOR, "http://op:8100"},
                 {pb::PAYMENT_PROVIDER, "http://pay:8101"},
                 {pb::PAYMENT_PROVIDER, ""}};
  return ctx;
}

TEST_CASE("a claim URL from the payment provider's node points at the market operator's node",
          "[buyer]") {
  const MerchantContext ctx = Context(2, pb::PAYMENT_PROVIDER);
  CHECK(ClaimUrl(ctx, 1, 2, "R-1", "0a1b") ==
        "http://op:8100/buyer/claim?provider=2&ref=R-1&token=0a1b");
  // references are percent-encoded byte by byte (UTF-8), unreserved characters kept
  CHECK(ClaimUrl(ctx, 1, 2, "R 1/&=é~", "t") ==
        "http://op:8100/buyer/claim?provider=2&ref=R%201%2F%26%3D%C3%A9~&token=t");
  // the attestation's height, when known, lets the operator's node wait for that block
  CHECK(ClaimUrl(ctx, 1, 2, "R-1", "0a1b", 1207) ==
        "http://op:8100/buyer/claim?provider=2&ref=R-1&token=0a1b&height=1207");
  CHECK(VendorPageUrl(ctx, 1, "v 1") == "http://op:8100/buyer/vendors/v%201");
}

TEST_CASE("a member without a known URL falls back to this node's own URL", "[buyer]") {
  const MerchantContext ctx = Context(2, pb::PAYMENT_PROVIDER);
  CHECK(MemberBaseUrl(ctx, 3) == "http://self:9000");   // listed, URL empty
  CHECK(MemberBaseUrl(ctx, 17) == "http://self:9000");  // not listed
  MerchantContext bare;
  bare.identity.public_base_url = "http://only:1";
  CHECK(VendorPageUrl(bare, 1, "v-1") == "http://only:1/buyer/vendors/v-1");
}

TEST_CASE("demo payments go to this node if it is a provider, else the first provider with a URL",
          "[buyer]") {
  CHECK(DemoPaymentProvider(Context(3, pb::PAYMENT_PROVIDER)) == 3u);
  CHECK(DemoPaymentProvider(Context(1, pb::MARKET_OPERATOR)) == 2u);
  MerchantContext none = Context(1, pb::MARKET_OPERATOR);
  none.members.resize(2);
  CHECK_FALSE(DemoPaymentProvider(none).has_value());
}

}  // namespace
}  // namespace fapiao::api::merchant
