#include "api/tax/anomaly_report.h"

#include <algorithm>
#include <unordered_set>

#include "contracts/keys.h"

namespace fapiao::api::tax {

bool AnomalyReport::Add(nlohmann::json finding) {
  if (findings_.size() >= limit_) {
    truncated_ = true;
    return false;
  }
  findings_.push_back(std::move(finding));
  return true;
}

void ForEachVendorInvoice(const AnomalyInput& in, const std::string& vendor_id,
                          AnomalyReport& report,
                          const std::function<bool(const pb::Invoice&)>& fn) {
  const Bytes prefix = contracts::keys::VendorTimePrefix(vendor_id);
  const Bytes start = contracts::keys::VendorTime(vendor_id, in.query.from_ms, "");
  in.view.ScanRange(Column::kIndex, prefix, start, [&](ByteView key, ByteView) {
    if (key.size() < prefix.size() + 8) return true;
    const uint64_t ms = ReadU64(key.substr(prefix.size(), 8));
    if (ms >= in.query.to_ms) return false;  // keys sort by time
    const std::string number(key.substr(prefix.size() + 8));
    const auto bytes = in.view.Get(Column::kState, contracts::keys::Invoice(number));
    pb::Invoice inv;
    if (!bytes || !inv.ParseFromString(*bytes)) return true;
    if (!in.query.market.empty() && inv.market() != in.query.market) return true;
    ++report.invoices;
    return fn(inv);
  });
}

void ForEachPeriodPayment(const AnomalyInput& in, AnomalyReport& report,
                          const std::function<bool(const pb::Payment&)>& fn) {
  std::unordered_set<std::string> ids;
  for (const auto& v : in.vendors) ids.insert(v.info().vendor_id());
  bool more = true;
  for (auto day = in.query.from; more && day <= in.query.to; day += std::chrono::days{1}) {
    const Bytes prefix = contracts::keys::PaymentDayPrefix(KeyDate(day));
    in.view.ScanPrefix(Column::kIndex, prefix, [&](ByteView key, ByteView) {
      // prefix, u64 paid_ms, u32 provider, lp(reference)
      if (key.size() < prefix.size() + 16) return true;
      const uint32_t provider = ReadU32(key.substr(prefix.size() + 8, 4));
      const uint32_t len = ReadU32(key.substr(prefix.size() + 12, 4));
      if (key.size() != prefix.size() + 16 + len) return true;
      const std::string ref(key.substr(prefix.size() + 16));
      const auto bytes = in.view.Get(Column::kState, contracts::keys::Payment(provider, ref));
      pb::Payment p;
      if (!bytes || !p.ParseFromString(*bytes)) return true;
      if (!in.every_vendor && !ids.contains(p.attested().vendor_id())) return true;
      ++report.payments;
      more = fn(p);
      return more;
    });
  }
}

std::string PaymentId(uint32_t provider, const std::string& reference) {
  return std::to_string(provider) + ":" + reference;
}

std::vector<std::string> PaymentIds(const pb::Invoice& invoice) {
  std::vector<std::string> out;
  for (const auto& a : invoice.allocations()) {
    out.push_back(PaymentId(a.payment().provider(), a.payment().reference()));
  }
  return out;
}

}  // namespace fapiao::api::tax
