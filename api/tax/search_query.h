// The filters of GET /v1/tax/invoices (docs/http.md "Tax API: invoice search"):
// parsed from the query string into a SearchQuery, or a 400/422 problem whose
// `field` names the offending query parameter; and the invoice predicate.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/problem.h"
#include "api/router.h"
#include "proto/contracts.pb.h"

namespace fapiao::api::tax {

struct SearchQuery {
  std::string vendor;
  std::string market;
  std::string taxpayer_id;                 // the seller's
  std::optional<uint64_t> from_ms;         // issued_at_ms >= from_ms
  std::optional<uint64_t> to_ms;           // issued_at_ms <= to_ms
  std::optional<int64_t> rate_bp;          // some line has this rate
  std::optional<pb::Treatment> treatment;  // some line has this treatment
  std::string status;                      // blue | red | locked | closed | ""
  std::optional<int64_t> min_fen;          // total_fen >= min_fen
  std::optional<int64_t> max_fen;          // total_fen <= max_fen
  uint32_t limit = 100;
  std::string cursor;  // as sent
};

inline constexpr uint32_t kMaxSearchLimit = 500;

// Codes: request.unknown_parameter (400), request.invalid_parameter (422: a
// malformed value or an empty range).
ProblemOr<SearchQuery> ParseSearchQuery(const Request& request);

// `from`/`to` of a period: RFC 3339, or YYYY-MM-DD as a China Standard Time day
// (from: its first millisecond; to: its last). nullopt when malformed.
std::optional<uint64_t> ParsePeriodBound(std::string_view text, bool end_of_day);

bool Matches(const SearchQuery& q, const pb::Invoice& invoice);
// Whether an invoice with this time index entry may match: false only when one of
// the entry's fields (kind, total, seller id, line rates and treatments) rules it
// out, so the invoice need not be read. Matches() still decides (mark status).
bool MayMatch(const SearchQuery& q, const pb::IndexedInvoice& entry);

}  // namespace fapiao::api::tax
