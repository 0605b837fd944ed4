// The buyer pages' static files (api/merchant/web/buyer.css, buyer.js),
// embedded at build time by embed.cmake. Served under /buyer/assets/; CSP
// (default-src 'self') forbids inline script, so behaviour lives in buyer.js.
#pragma once

#include <string_view>

namespace fapiao::api::merchant::web {

extern const std::string_view kBuyerCss;
extern const std::string_view kBuyerJs;

}  // namespace fapiao::api::merchant::web
