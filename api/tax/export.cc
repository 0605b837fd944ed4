// GET /v1/tax/export (docs/http.md "Tax API: exports"): the invoices issued in
// a China-time date range, for a vendor, a market or every market, as CSV (one
// row per line) or as UBL 2.1 documents in an <Export> wrapper, streamed with
// Response::stream one ExportCursor page per chunk.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "api/merchant/common.h"
#include "api/tax/export_cursor.h"
#include "api/tax/recorded.h"
#include "api/tax/tax_api.h"
#include "contracts/keys.h"

namespace fapiao::api::tax {
namespace {

constexpr int64_t kMaxDays = 366;
constexpr uint64_t kDayMs = 86'400'000;
constexpr uint64_t kChinaOffsetMs = 8 * 3'600'000;

Problem BadQuery(const std::string& param, const std::string& why) {
  return MakeProblem(400, "request.invalid_query", param + " " + why, param);
}

// Days since 1970-01-01 of a proleptic Gregorian date (civil-to-days).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// "YYYY-MM-DD" (a real date, 2000..2999) as days since the epoch.
ProblemOr<int64_t> ParseDate(const Request& req, const std::string& param) {
  const auto v = req.Query(param);
  if (!v) return BadQuery(param, "is required (YYYY-MM-DD, China time)");
  const std::string s(*v);
  bool shape = s.size() == 10 && s[4] == '-' && s[7] == '-';
  for (size_t i = 0; shape && i < s.size(); ++i) {
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) shape = false;
  }
  if (!shape) return BadQuery(param, "must be a date YYYY-MM-DD");
  const int64_t y = std::stoll(s.substr(0, 4));
  const auto m = static_cast<unsigned>(std::stoul(s.substr(5, 2)));
  const auto d = static_cast<unsigned>(std::stoul(s.substr(8, 2)));
  if (y < 2000 || y > 2999 || m < 1 || m > 12 || d < 1) {
    return BadQuery(param, "is not a calendar date");
  }
  const int64_t first = DaysFromCivil(y, m, 1);
  const int64_t next = DaysFromCivil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
  const int64_t days = first + d - 1;
  if (days >= next) return BadQuery(param, "is not a calendar date");
  return days;
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
  if (to.value() - from.value() + 1 > kMaxDays) {
    return BadQuery("to", "is more than " + std::to_string(kMaxDays) + " days after from");
  }
  q.from_ms = static_cast<uint64_t>(from.value()) * kDayMs - kChinaOffsetMs;
  q.to_ms = static_cast<uint64_t>(to.value() + 1) * kDayMs - kChinaOffsetMs;
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
