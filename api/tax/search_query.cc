#include "api/tax/search_query.h"

#include <charconv>
#include <set>

#include "api/merchant/common.h"
#include "contracts/indexes.h"

namespace fapiao::api::tax {

namespace {

Problem Invalid(const std::string& param, const std::string& why) {
  return MakeProblem(422, "request.invalid_parameter", param + " " + why, param);
}

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<pb::Treatment> ParseTreatment(std::string_view s) {
  if (s == "taxable") return pb::TAXABLE;
  if (s == "exempt") return pb::EXEMPT;
  if (s == "zero") return pb::ZERO;
  if (s == "not_subject") return pb::NOT_SUBJECT;
  return std::nullopt;
}

}  // namespace

std::optional<uint64_t> ParsePeriodBound(std::string_view text, bool end_of_day) {
  if (text.size() == 10) {
    if (text[4] != '-' || text[7] != '-') return std::nullopt;
    const auto start = merchant::ParseRfc3339Ms(std::string(text) + "T00:00:00+08:00");
    if (!start) return std::nullopt;
    return end_of_day ? *start + 86'400'000 - 1 : *start;
  }
  return merchant::ParseRfc3339Ms(text);
}

ProblemOr<SearchQuery> ParseSearchQuery(const Request& request) {
  static const std::set<std::string, std::less<>> kKnown = {
      "vendor",    "market", "taxpayer_id", "from",    "to",    "rate_bp",
      "treatment", "status", "min_fen",     "max_fen", "limit", "cursor"};
  SearchQuery q;
  for (const auto& [name, value] : request.query_params) {
    if (!kKnown.contains(name)) {
      return MakeProblem(400, "request.unknown_parameter", "unknown query parameter " + name, name);
    }
    if (value.empty()) return Invalid(name, "is empty");
  }
  const auto get = [&](std::string_view name) {
    return std::string(request.Query(name).value_or(""));
  };
  q.vendor = get("vendor");
  q.market = get("market");
  q.taxpayer_id = get("taxpayer_id");
  q.cursor = get("cursor");
  for (const char* bound : {"from", "to"}) {
    if (const std::string v = get(bound); !v.empty()) {
      const bool is_to = std::string_view(bound) == "to";
      auto ms = ParsePeriodBound(v, is_to);
      if (!ms) return Invalid(bound, "must be RFC 3339 or YYYY-MM-DD (China time)");
      (is_to ? q.to_ms : q.from_ms) = *ms;
    }
  }
  if (q.from_ms && q.to_ms && *q.from_ms > *q.to_ms) return Invalid("to", "is before from");
  if (const std::string v = get("rate_bp"); !v.empty()) {
    auto bp = ParseInt(v);
    if (!bp || *bp < 0 || *bp > 10000) return Invalid("rate_bp", "must be an integer 0..10000");
    q.rate_bp = *bp;
  }
  if (const std::string v = get("treatment"); !v.empty()) {
    q.treatment = ParseTreatment(v);
    if (!q.treatment) return Invalid("treatment", "must be taxable, exempt, zero or not_subject");
  }
  q.status = get("status");
  if (!q.status.empty() && q.status != "blue" && q.status != "red" && q.status != "locked" &&
      q.status != "closed") {
    return Invalid("status", "must be blue, red, locked or closed");
  }
  for (const char* bound : {"min_fen", "max_fen"}) {
    if (const std::string v = get(bound); !v.empty()) {
      auto fen = ParseInt(v);
      if (!fen) return Invalid(bound, "must be an integer number of fen");
      (std::string_view(bound) == "min_fen" ? q.min_fen : q.max_fen) = *fen;
    }
  }
  if (q.min_fen && q.max_fen && *q.min_fen > *q.max_fen) {
    return Invalid("max_fen", "is below min_fen");
  }
  if (const std::string v = get("limit"); !v.empty()) {
    auto n = ParseInt(v);
    if (!n || *n < 1 || *n > kMaxSearchLimit) return Invalid("limit", "must be an integer 1..500");
    q.limit = static_cast<uint32_t>(*n);
  }
  return q;
}

bool Matches(const SearchQuery& q, const pb::Invoice& inv) {
  if (!q.vendor.empty() && inv.vendor_id() != q.vendor) return false;
  if (!q.market.empty() && inv.market() != q.market) return false;
  if (q.from_ms && inv.issued_at_ms() < *q.from_ms) return false;
  if (q.to_ms && inv.issued_at_ms() > *q.to_ms) return false;
  if (q.status == "locked" && inv.mark() != pb::MARK_LOCKED) return false;
  if (q.status == "closed" && inv.mark() != pb::MARK_CLOSED) return false;
  // Kind, total, seller and line rates and treatments: as their time index entry says.
  return MayMatch(q, contracts::IndexedOf(inv));
}

bool MayMatch(const SearchQuery& q, const pb::IndexedInvoice& e) {
  if (!q.taxpayer_id.empty() && e.seller_id() != q.taxpayer_id) return false;
  if (q.min_fen && e.total_fen() < *q.min_fen) return false;
  if (q.max_fen && e.total_fen() > *q.max_fen) return false;
  if (q.status == "blue" && e.kind() != pb::BLUE) return false;
  if (q.status == "red" && e.kind() != pb::RED) return false;
  if ((q.rate_bp || q.treatment) && e.line_rate_bp_size() == e.line_treatment_size()) {
    for (int i = 0; i < e.line_rate_bp_size(); ++i) {
      if ((!q.rate_bp || e.line_rate_bp(i) == *q.rate_bp) &&
          (!q.treatment || e.line_treatment(i) == *q.treatment)) {
        return true;
      }
    }
    return false;
  }
  return true;
}

}  // namespace fapiao::api::tax
