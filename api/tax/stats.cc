// Statistics for the tax bureau, a market operator and a vendor, all from the
// per-day aggregates (VendorDay / MarketDay lookups, never invoice scans):
//   GET /v1/tax/vendors/{id}/stats   tax officer, recorded
//   GET /v1/tax/stats                tax officer, recorded; group_by market|rate|treatment
//   GET /v1/vendors/{id}/stats       the vendor itself, its market's operator, an officer
//   GET /v1/markets/{market}/stats   that market's operator, an officer
// The scoped routes answer with the same code and shape as the officers' ones.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/auth/authorize.h"
#include "api/merchant/common.h"
#include "api/tax/csv.h"
#include "api/tax/recorded.h"
#include "api/tax/stats_query.h"
#include "api/tax/tax_api.h"
#include "contracts/keys.h"

namespace fapiao::api::tax {
namespace {

using auth::Action;
using nlohmann::json;

const std::vector<std::string> kPeriodParams = {"period", "from", "to"};
const std::vector<std::string> kGroupParams = {"group_by", "from", "to"};

// Every market some member keeps (the consortium's member records; a handful of
// members, so this reads a few small records), sorted.
std::vector<std::string> AllMarkets(const StateView& view) {
  Bytes prefix = contracts::keys::Member(0);
  prefix.resize(prefix.size() - 4);  // "mem/" without the u32 index
  std::set<std::string> markets;
  view.ScanPrefix(Column::kState, prefix, [&](ByteView, ByteView value) {
    pb::Member member;
    if (member.ParseFromString(std::string(value))) {
      for (const auto& m : member.markets()) markets.insert(m);
    }
    return true;
  });
  return {markets.begin(), markets.end()};
}

// Who may read statistics scoped by `resource`: a tax officer (recorded in the
// audit log, like the /v1/tax routes) or a role with kReadStatistics in scope.
// `resource` is built only after the role check, so the callers' 404s are not
// shown to roles that may never read statistics.
template <typename ResourceOf>
std::optional<Response> AuthorizeScoped(const TaxContext& ctx, const Request& req,
                                        const ResourceOf& resource_of) {
  auto principal = merchant::AuthenticateRequest(*ctx.keys, req);
  if (!principal.ok()) return merchant::AuthProblem(principal.status());
  if (principal->role == auth::Role::kTaxOfficer) {
    auto officer = AuthorizeTaxQuery(ctx, req);
    if (!officer) return merchant::ProblemReply(officer.problem());
    return std::nullopt;
  }
  if (!auth::RoleMay(principal->role, Action::kReadStatistics)) {
    return merchant::Forbidden(*principal, Action::kReadStatistics);
  }
  ProblemOr<auth::ResourceScope> resource = resource_of();
  if (!resource) return ProblemResponse(resource.problem());
  if (Status s = auth::Authorize(*principal, Action::kReadStatistics, resource.value()); !s.ok()) {
    return merchant::AuthProblem(s);
  }
  return std::nullopt;
}

Problem UnknownVendor(const std::string& id) {
  return MakeProblem(404, "vendor.unknown", "no vendor '" + id + "'");
}

// The vendor's statistics, after authorization.
Response VendorStats(const TaxContext& ctx, const Request& req, const pb::Vendor& vendor) {
  const uint64_t height = ctx.state->height();
  auto range = ParseDayRange(req, kPeriodParams);
  if (!range) return ProblemResponse(range.problem());
  auto period = ParsePeriod(req);
  if (!period) return ProblemResponse(period.problem());
  const std::string& id = vendor.info().vendor_id();
  json body =
      BucketedStats(ctx.state->view(), range.value(), period.value(),
                    [&](const std::string& day) { return contracts::keys::VendorDay(id, day); });
  body["vendor_id"] = id;
  body["market"] = vendor.info().market();
  body["timezone"] = "+08:00";
  body["height"] = height;
  return JsonResponse(200, body);
}

Response TaxVendorStats(const TaxContext& ctx, const Request& req) {
  auto officer = AuthorizeTaxQuery(ctx, req);
  if (!officer) return merchant::ProblemReply(officer.problem());
  const std::string id(req.PathParam("id").value_or(""));
  pb::Vendor vendor;
  if (!merchant::LoadRecord(ctx.state->view(), contracts::keys::Vendor(id), vendor)) {
    return ProblemResponse(UnknownVendor(id));
  }
  return VendorStats(ctx, req, vendor);
}

Response ScopedVendorStats(const TaxContext& ctx, const Request& req) {
  const std::string id(req.PathParam("id").value_or(""));
  pb::Vendor vendor;
  const bool known = merchant::LoadRecord(ctx.state->view(), contracts::keys::Vendor(id), vendor);
  auto refused = AuthorizeScoped(ctx, req, [&]() -> ProblemOr<auth::ResourceScope> {
    if (!known) return UnknownVendor(id);
    return auth::ResourceScope::Vendor(id, vendor.info().market());
  });
  if (refused) return *refused;
  if (!known) return ProblemResponse(UnknownVendor(id));
  return VendorStats(ctx, req, vendor);
}

Response ScopedMarketStats(const TaxContext& ctx, const Request& req) {
  const std::string market(req.PathParam("market").value_or(""));
  auto refused = AuthorizeScoped(ctx, req, [&]() -> ProblemOr<auth::ResourceScope> {
    return auth::ResourceScope::Vendor("", market);
  });
  if (refused) return *refused;
  const uint64_t height = ctx.state->height();
  const StateView& view = ctx.state->view();
  const auto markets = AllMarkets(view);
  if (std::find(markets.begin(), markets.end(), market) == markets.end()) {
    return ProblemResponse(
        MakeProblem(404, "market.unknown", "no member keeps a market '" + market + "'"));
  }
  auto range = ParseDayRange(req, kPeriodParams);
  if (!range) return ProblemResponse(range.problem());
  auto period = ParsePeriod(req);
  if (!period) return ProblemResponse(period.problem());
  json body = BucketedStats(view, range.value(), period.value(), [&](const std::string& day) {
    return contracts::keys::MarketDay(market, day);
  });
  body["market"] = market;
  body["timezone"] = "+08:00";
  body["height"] = height;
  return JsonResponse(200, body);
}

Stats MarketRangeStats(const StateView& view, const std::string& market, const DayRange& range) {
  Stats s;
  for (auto d = range.from; d <= range.to; d += std::chrono::days{1}) {
    AddAggregateAt(view, contracts::keys::MarketDay(market, KeyDate(d)), s);
  }
  return s;
}

Response TaxGroupedStats(const TaxContext& ctx, const Request& req) {
  auto officer = AuthorizeTaxQuery(ctx, req);
  if (!officer) return merchant::ProblemReply(officer.problem());
  auto range = ParseDayRange(req, kGroupParams);
  if (!range) return ProblemResponse(range.problem());
  const std::string group_by(req.Query("group_by").value_or(""));
  if (group_by != "market" && group_by != "rate" && group_by != "treatment") {
    return ProblemResponse(MakeProblem(400, "request.invalid_query",
                                       "group_by must be market, rate or treatment", "group_by"));
  }
  const uint64_t height = ctx.state->height();
  const StateView& view = ctx.state->view();
  Stats totals;
  json groups = json::array();
  for (const std::string& market : AllMarkets(view)) {
    const Stats s = MarketRangeStats(view, market, range.value());
    if (group_by == "market") {
      json g = StatsJson(s);
      g["market"] = market;
      groups.push_back(std::move(g));
    }
    totals.Add(s);
  }
  if (group_by != "market") {
    // (rate_bp or treatment) -> (amount_fen, tax_fen), from the by_rate buckets.
    std::map<int64_t, std::pair<int64_t, int64_t>> sums;
    for (const auto& [key, bucket] : totals.by_rate) {
      auto& [amount, tax] = sums[group_by == "rate" ? key.first : key.second];
      amount += bucket.first;
      tax += bucket.second;
    }
    for (const auto& [key, bucket] : sums) {
      json g{{"amount_fen", bucket.first}, {"tax_fen", bucket.second}};
      if (group_by == "rate") {
        g["rate_bp"] = key;
      } else {
        g["treatment"] = TreatmentName(static_cast<pb::Treatment>(key));
      }
      groups.push_back(std::move(g));
    }
  }
  return JsonResponse(200, json{{"group_by", group_by},
                                {"from", IsoDate(range.value().from)},
                                {"to", IsoDate(range.value().to)},
                                {"timezone", "+08:00"},
                                {"groups", std::move(groups)},
                                {"totals", StatsJson(totals)},
                                {"height", height}});
}

}  // namespace

void AddStatsRoutes(Router& router, const TaxContext& ctx) {
  router.Add("GET", "/v1/tax/vendors/{id}/stats",
             [ctx](const Request& req) { return TaxVendorStats(ctx, req); });
  router.Add("GET", "/v1/tax/stats",
             [ctx](const Request& req) { return TaxGroupedStats(ctx, req); });
  router.Add("GET", "/v1/vendors/{id}/stats",
             [ctx](const Request& req) { return ScopedVendorStats(ctx, req); });
  router.Add("GET", "/v1/markets/{market}/stats",
             [ctx](const Request& req) { return ScopedMarketStats(ctx, req); });
}

}  // namespace fapiao::api::tax
