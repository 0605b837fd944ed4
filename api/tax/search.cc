// Invoice search (GET /v1/tax/invoices) and the audit log export (GET /v1/tax/audit),
// both tax officer queries recorded through AuthorizeTaxQuery.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/merchant/common.h"
#include "api/merchant/invoice_json.h"
#include "api/tax/recorded.h"
#include "api/tax/search_query.h"
#include "api/tax/tax_api.h"
#include "contracts/keys.h"

namespace fapiao::api::tax {

namespace {

using nlohmann::json;

std::string_view MarkName(pb::MarkStatus m) {
  return m == pb::MARK_LOCKED ? "locked" : m == pb::MARK_CLOSED ? "closed" : "init";
}

// The page's scan: over a time index (vendor or market given: order issued time, then
// number) or the invoices themselves (order number). The cursor is the hex of the last
// key answered; the next page seeks to it and starts after it.
struct Scan {
  Column column;
  Bytes prefix;
  bool indexed;
};

Scan ScanFor(const SearchQuery& q) {
  if (!q.vendor.empty()) {
    return {Column::kIndex, contracts::keys::VendorTimePrefix(q.vendor), true};
  }
  if (!q.market.empty()) {
    return {Column::kIndex, contracts::keys::MarketTimePrefix(q.market), true};
  }
  return {Column::kState, contracts::keys::InvoicePrefix(), false};
}

Response Search(const TaxContext& ctx, const Request& req) {
  auto principal = AuthorizeTaxQuery(ctx, req);
  if (!principal.ok()) return merchant::ProblemReply(principal.problem());
  auto parsed = ParseSearchQuery(req);
  if (!parsed.ok()) return ProblemResponse(parsed.problem());
  const SearchQuery& q = parsed.value();
  const Scan scan = ScanFor(q);
  Bytes after;
  if (!q.cursor.empty()) {
    auto key = FromHex(q.cursor);
    if (!key || key->size() <= scan.prefix.size() ||
        key->compare(0, scan.prefix.size(), scan.prefix) != 0) {
      return ProblemResponse(MakeProblem(422, "request.invalid_parameter",
                                         "cursor is not a cursor of this search", "cursor"));
    }
    after = std::move(*key);
  }
  const StateView& view = ctx.state->view();
  json invoices = json::array();
  Bytes last;
  bool more = false;
  // Seek, not skip: a page starts at its cursor, or at the period's first key
  // in a time index, so a page costs its own rows and not those before it.
  Bytes start = after;
  if (start.empty() && scan.indexed && q.from_ms) {
    start = scan.prefix;
    AppendU64(start, *q.from_ms);
  }
  view.ScanRange(scan.column, scan.prefix, start, [&](ByteView key, ByteView value) {
    if (!after.empty() && key <= ByteView(after)) return true;
    pb::Invoice inv;
    if (scan.indexed) {
      if (key.size() < scan.prefix.size() + 8) return true;
      const uint64_t ms = ReadU64(key.substr(scan.prefix.size(), 8));
      if (q.to_ms && ms > *q.to_ms) return false;  // key order is time order
      if (q.from_ms && ms < *q.from_ms) return true;
      // The entry's own fields rule most non-matches out without reading the invoice
      // (an empty value, from a ledger written before entries had one, rules out nothing).
      pb::IndexedInvoice entry;
      if (!value.empty() && entry.ParseFromArray(value.data(), static_cast<int>(value.size())) &&
          !MayMatch(q, entry)) {
        return true;
      }
      const std::string number(key.substr(scan.prefix.size() + 8));
      if (!merchant::LoadRecord(view, contracts::keys::Invoice(number), inv)) return true;
    } else if (!inv.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return true;
    }
    if (!Matches(q, inv)) return true;
    if (invoices.size() == q.limit) {
      more = true;
      return false;
    }
    json j = merchant::InvoiceJson(inv);
    j["mark"] = MarkName(inv.mark());
    invoices.push_back(std::move(j));
    last = Bytes(key);
    return true;
  });
  json body{{"invoices", std::move(invoices)}};
  if (more) body["next_cursor"] = ToHex(last);
  return JsonResponse(200, body);
}

Response AuditExport(const TaxContext& ctx, const Request& req) {
  auto principal = AuthorizeTaxQuery(ctx, req);
  if (!principal.ok()) return merchant::ProblemReply(principal.problem());
  auto lines = ctx.audit->Export();
  if (!lines.ok()) return ProblemResponse(ProblemFromStatus(503, lines.status()));
  return Response::Text(200, std::move(*lines), "application/x-ndjson");
}

}  // namespace

void AddSearchRoutes(Router& router, const TaxContext& ctx) {
  router.Add("GET", "/v1/tax/invoices", [ctx](const Request& req) { return Search(ctx, req); });
  router.Add("GET", "/v1/tax/audit", [ctx](const Request& req) { return AuditExport(ctx, req); });
}

}  // namespace fapiao::api::tax
