// What the anomaly detectors share (docs/http.md "Tax API: anomaly reports"):
// the input (committed state, the parsed query, the ledger's "now" and the
// vendors in scope), the report they fill (findings up to the limit, counts of
// what was checked, kind-specific members) and the bounded readers of the
// time and payment-day indexes. The detectors, one per kind, only read state.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/tax/anomaly_query.h"
#include "ledger/core/state.h"
#include "proto/contracts.pb.h"

namespace fapiao::api::tax {

struct AnomalyInput {
  const StateView& view;
  const AnomalyQuery& query;
  uint64_t as_of_ms = 0;  // the latest committed block's time
  // The vendors in scope, sorted by id: `vendor`, or every vendor (of `market`).
  std::vector<pb::Vendor> vendors;
  bool every_vendor = false;  // neither vendor nor market given
};

class AnomalyReport {
 public:
  explicit AnomalyReport(uint32_t limit) : limit_(limit) {}
  // Adds a finding; false once the limit is reached (the finding is dropped,
  // truncated is set): the detector stops there.
  bool Add(nlohmann::json finding);
  bool full() const { return truncated_; }

  uint64_t invoices = 0;                            // invoices read
  uint64_t payments = 0;                            // payments read
  uint64_t vendors = 0;                             // vendors (or vendor aggregates) read
  nlohmann::json extra = nlohmann::json::object();  // kind-specific members of the answer

  nlohmann::json findings() const { return findings_; }
  bool truncated() const { return truncated_; }

 private:
  uint32_t limit_;
  nlohmann::json findings_ = nlohmann::json::array();
  bool truncated_ = false;
};

// The invoices of `vendor_id` issued in [query.from_ms, query.to_ms), in issue
// order, from the vendor time index (a seek to from_ms, a stop at to_ms);
// invoices of another market than query.market (when set) are skipped.
// `fn` returns false to stop. Counts each invoice read in report.invoices.
void ForEachVendorInvoice(const AnomalyInput& in, const std::string& vendor_id,
                          AnomalyReport& report, const std::function<bool(const pb::Invoice&)>& fn);

// The payments paid on the China-time days of the period (the pd/ index, one
// prefix per day), of the vendors in scope. Counts each in report.payments.
void ForEachPeriodPayment(const AnomalyInput& in, AnomalyReport& report,
                          const std::function<bool(const pb::Payment&)>& fn);

// "provider:reference", as payments are named in flags and events.
std::string PaymentId(uint32_t provider, const std::string& reference);
std::vector<std::string> PaymentIds(const pb::Invoice& invoice);

// One detector per kind; each fills `report`.
void DetectUninvoicedPayments(const AnomalyInput& in, AnomalyReport& report);
void DetectOverPayments(const AnomalyInput& in, AnomalyReport& report);
void DetectDuplicates(const AnomalyInput& in, AnomalyReport& report);
void DetectSplits(const AnomalyInput& in, AnomalyReport& report);
void DetectRedAfterReimbursement(const AnomalyInput& in, AnomalyReport& report);
void DetectExemptionMismatches(const AnomalyInput& in, AnomalyReport& report);
void DetectOffHours(const AnomalyInput& in, AnomalyReport& report);
void DetectSmallScaleOverLimit(const AnomalyInput& in, AnomalyReport& report);
void DetectRedLetterRates(const AnomalyInput& in, AnomalyReport& report);

}  // namespace fapiao::api::tax
