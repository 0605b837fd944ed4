// HTML output helpers shared by the node's pages (the printable invoice, the
// buyer pages) and the UBL export: text escaping for element content and
// attribute values (HTML and XML alike), and the security headers every HTML
// answer carries. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "api/router.h"

namespace fapiao::api::merchant {

// Escapes & < > " ' so the result is safe in element content and in quoted
// attribute values, of HTML and of XML. Bytes >= 0x80 pass unchanged (UTF-8
// text stays readable).
std::string HtmlEscape(std::string_view text);

// A 200 text/html; charset=utf-8 answer with Content-Security-Policy
// (default-src 'self'; images also from data:), X-Content-Type-Options: nosniff
// and Referrer-Policy: no-referrer (claim tokens travel in page URLs).
Response HtmlResponse(int status, std::string body);

}  // namespace fapiao::api::merchant
