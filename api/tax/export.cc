// GET /v1/tax/export (docs/http.md "Tax API: exports"): the invoices issued in
// a China-time date range, for a vendor, a market or every market, as CSV (one
// row per line) or as UBL 2.1 documents in an <Export> wrapper, streamed with
// Response::stream one ExportCursor page per chunk.
#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "api/merchant/common.h"
#include "api/tax/china_days.h"
#include "api/tax/export_cursor.h"
#include "api/tax/recorded.h"
#include "api/tax/tax_api.h"
#include "contracts/keys.h"

namespace fapiao::api::tax {
namespace {

constexpr int64_t kMaxDays = 366;

Problem BadQuery(const std::string& param, const std::string& why) {
  return MakeProblem(400, "request.invalid_query", param + " " + why, param);
}

// "YYYY-MM-DD" (a real date, 2000..2999), a China-time day.
ProblemOr<std::chrono::sys_days> ParseDate(const Request& req, const std::string& param) {
  const auto v = req.Query(param);
  if (!v) return BadQuery(param, "is required (YYYY-MM-DD, China time)");
  const bool shape =
      v->size() == 10 && (*v)[4] == '-' && (*v)[7] == '-' &&
      std::all_of(v->begin(), v->end(), [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
  if (!shape) return BadQuery(param, "must be a date YYYY-MM-DD");
  const auto day = ParseIsoDate(*v);
  if (!day || !InLedgerYears(*day)) return BadQuery(param, "is not a calendar date");
  return *day;
}

ProblemOr<ExportQuery> ParseExportQuery(const Request& req) {
  ExportQuery q;
  const auto format = req.Query("format");
  if (!format) return BadQuery("format", "is required (csv or ubl)");
  if (*format == "csv") {
    q.format = ExportFormat::kCsv;
  } else if (*format == "ubl") {
    q.format = ExportFormat::kUbl;
  } else {
    return BadQuery("format", "must be csv or ubl");
  }
  auto from = ParseDate(req, "from");
  if (!from) return from.problem();
  auto to = ParseDate(req, "to");
  if (!to) return to.problem();
  if (to.value() < from.value()) return BadQuery("to", "is before from");
  if ((to.value() - from.value()).count() + 1 > kMaxDays) {
    return BadQuery("to", "is more than " + std::to_string(kMaxDays) + " days after from");
  }
  q.from_ms = DayStartMs(from.value());
  q.to_ms = DayStartMs(to.value() + std::chrono::days{1});
  q.from = std::string(*req.Query("from"));
  q.to = std::string(*req.Query("to"));
  if (auto v = req.Query("vendor")) q.vendor = std::string(*v);
  if (auto m = req.Query("market")) q.market = std::string(*m);
  if (req.Query("vendor") && q.vendor.empty()) return BadQuery("vendor", "must not be empty");
  if (req.Query("market") && q.market.empty()) return BadQuery("market", "must not be empty");
  return q;
}

// The markets of every market operator's roster (members' records), sorted.
std::vector<std::string> AllMarkets(const StateView& view) {
  std::set<std::string> markets;
  Bytes prefix = contracts::keys::Member(0);
  prefix.resize(prefix.size() - 4);  // "mem/" without the member index
  view.ScanPrefix(Column::kState, prefix, [&](ByteView, ByteView value) {
    pb::Member m;
    if (m.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      for (const auto& market : m.markets()) markets.insert(market);
    }
    return true;
  });
  return {markets.begin(), markets.end()};
}

Response Export(const TaxContext& ctx, const Request& req) {
  auto officer = AuthorizeTaxQuery(ctx, req);
  if (!officer) return merchant::ProblemReply(officer.problem());
  auto query = ParseExportQuery(req);
  if (!query) return ProblemResponse(query.problem());
  ExportQuery q = std::move(query.value());
  const StateView& view = ctx.state->view();
  std::vector<Bytes> prefixes;
  if (!q.vendor.empty()) {
    pb::Vendor vendor;
    if (!merchant::LoadRecord(view, contracts::keys::Vendor(q.vendor), vendor)) {
      return ProblemResponse(
          MakeProblem(404, "vendor.unknown", "No vendor '" + q.vendor + "'.", "vendor"));
    }
    prefixes.push_back(contracts::keys::VendorTimePrefix(q.vendor));
  } else if (!q.market.empty()) {
    prefixes.push_back(contracts::keys::MarketTimePrefix(q.market));
  } else {
    for (const auto& m : AllMarkets(view)) prefixes.push_back(contracts::keys::MarketTimePrefix(m));
  }
  Response res;
  const bool csv = q.format == ExportFormat::kCsv;
  res.content_type = csv ? "text/csv; charset=utf-8; header=present" : "application/xml";
  res.headers.emplace_back("Content-Disposition", "attachment; filename=\"fapiao-" + q.from + "-" +
                                                      q.to + (csv ? ".csv\"" : ".xml\""));
  auto cursor = std::make_shared<ExportCursor>(*ctx.state, std::move(q), std::move(prefixes));
  res.stream = [cursor](std::string& chunk) { return cursor->Next(chunk); };
  return res;
}

}  // namespace

void AddExportRoutes(Router& router, const TaxContext& ctx) {
  router.Add("GET", "/v1/tax/export", [ctx](const Request& req) { return Export(ctx, req); });
}

}  // namespace fapiao::api::tax
