#include "api/merchant/buyer_links.h"

namespace fapiao::api::merchant {

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(ch);
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

std::string MemberBaseUrl(const MerchantContext& ctx, uint32_t member) {
  if (member < ctx.members.size() && !ctx.members[member].base_url.empty()) {
    return ctx.members[member].base_url;
  }
  return ctx.identity.public_base_url;
}

std::string VendorPageUrl(const MerchantContext& ctx, uint32_t operator_member,
                          std::string_view vendor_id) {
  return MemberBaseUrl(ctx, operator_member) + "/buyer/vendors/" + UrlEncode(vendor_id);
}

std::string ClaimUrl(const MerchantContext& ctx, uint32_t operator_member, uint32_t provider,
                     std::string_view reference, std::string_view token, uint64_t height) {
  std::string url = MemberBaseUrl(ctx, operator_member) +
                    "/buyer/claim?provider=" + std::to_string(provider) +
                    "&ref=" + UrlEncode(reference) + "&token=" + UrlEncode(token);
  if (height != 0) url += "&height=" + std::to_string(height);
  return url;
}

std::optional<uint32_t> DemoPaymentProvider(const MerchantContext& ctx) {
  if (ctx.identity.role == pb::PAYMENT_PROVIDER) return ctx.identity.member;
  for (uint32_t m = 0; m < ctx.members.size(); ++m) {
    if (ctx.members[m].role == pb::PAYMENT_PROVIDER && !ctx.members[m].base_url.empty()) return m;
  }
  return std::nullopt;
}

}  // namespace fapiao::api::merchant
