#include "contracts/treatment.h"

#include <algorithm>
#include <set>

#include "contracts/codes.h"

namespace fapiao::contracts {
namespace {

bool Contains(const google::protobuf::RepeatedField<int64_t>& v, int64_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool SmallScaleRate(const pb::TaxRules& rules, int64_t rate, const std::string& today) {
  if (Contains(rules.small_scale_rates_bp(), rate)) return true;
  for (const auto& tr : rules.small_scale_timed_rates()) {
    if (tr.rate_bp() == rate && today <= tr.until_yyyymmdd()) return true;
  }
  return false;
}

}  // namespace

Status ValidateTreatment(const pb::TaxTreatment& t, const pb::TaxRules& rules,
                         pb::TaxpayerType type, const std::string& today) {
  const auto bad = [](const std::string& m) { return Status::Error(code::kBadTreatment, m); };
  if (t.policy_code().size() > 32) return bad("policy code longer than 32 characters");
  switch (t.treatment()) {
    case pb::TAXABLE:
      if (t.rate_bp() <= 0) return bad("a TAXABLE line needs a positive rate");
      if (!Contains(rules.allowed_rates_bp(), t.rate_bp())) {
        return Status::Error(code::kRateNotAllowed,
                             "rate " + std::to_string(t.rate_bp()) + " bp is not in force");
      }
      if (type == pb::SMALL_SCALE && !SmallScaleRate(rules, t.rate_bp(), today)) {
        return Status::Error(code::kRateNotAllowed, "rate " + std::to_string(t.rate_bp()) +
                                                        " bp is not a small-scale taxpayer's rate");
      }
      return Status::Ok();
    case pb::EXEMPT:
      if (t.rate_bp() != 0) return bad("an EXEMPT line carries rate 0");
      if (t.policy_code().empty()) return bad("an EXEMPT line needs its policy code");
      return Status::Ok();
    case pb::ZERO:
    case pb::NOT_SUBJECT:
      if (t.rate_bp() != 0) return bad("a ZERO or NOT_SUBJECT line carries rate 0");
      return Status::Ok();
    default:
      return bad("tax treatment missing");
  }
}

Status ValidateRules(const pb::TaxRules& rules) {
  std::set<int64_t> seen;
  for (int64_t r : rules.allowed_rates_bp()) {
    if (r < 0 || r > 10000 || !seen.insert(r).second) {
      return Status::Error(code::kRulesInvalid, "allowed rates must be distinct, 0..10000 bp");
    }
  }
  std::set<int64_t> small;
  for (int64_t r : rules.small_scale_rates_bp()) {
    if (!seen.count(r) || !small.insert(r).second) {
      return Status::Error(code::kRulesInvalid,
                           "small-scale rates must be distinct and among the allowed rates");
    }
  }
  for (const auto& tr : rules.small_scale_timed_rates()) {
    const std::string& d = tr.until_yyyymmdd();
    const bool date = d.size() == 8 &&
                      std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!seen.count(tr.rate_bp()) || !date) {
      return Status::Error(code::kRulesInvalid,
                           "timed small-scale rates must be allowed rates with a YYYYMMDD date");
    }
  }
  if (rules.default_monthly_quota_fen() < 0) {
    return Status::Error(code::kRulesInvalid, "default quota must be >= 0 (0 = none)");
  }
  return Status::Ok();
}

}  // namespace fapiao::contracts
