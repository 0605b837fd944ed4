// Vendor roster: the market operator registers, updates, suspends and
// reinstates the vendors of its own markets. A taxpayer id whose check
// character fails is accepted only with a recorded override reason.
#include <set>

#include "contracts/calendar.h"
#include "contracts/handlers.h"
#include "contracts/keys.h"
#include "contracts/taxpayer_id.h"
#include "contracts/treatment.h"

namespace fapiao::contracts {
namespace {

// Validates info for the operator env.member; sets *check_failed.
Status ValidateVendorInfo(const TxState& st, const TxEnv& env, const pb::VendorInfo& info,
                          bool* check_failed) {
  const auto bad = [](const std::string& m) { return Reject(code::kVendorInvalid, m); };
  if (info.vendor_id().empty() || info.vendor_id().size() > 64) return bad("vendor id 1-64 bytes");
  if (info.name().empty() || info.name().size() > 200) return bad("vendor name 1-200 bytes");
  if (info.stall().size() > 64) return bad("stall at most 64 bytes");
  if (info.taxpayer_type() != pb::SMALL_SCALE && info.taxpayer_type() != pb::GENERAL) {
    return bad("taxpayer type must be small-scale or general");
  }
  if (!OperatesMarket(*env.member, info.market())) {
    return Reject(code::kNotOwnMarket, "market '" + info.market() + "' is not kept by member " +
                                           std::to_string(env.member->index()));
  }
  const pb::TaxRules rules = LoadRules(st);
  std::set<std::string> classes;
  for (const auto& d : info.defaults()) {
    if (d.item_class().empty() || !classes.insert(d.item_class()).second) {
      return bad("default treatments need distinct, non-empty item classes");
    }
    if (Status s = ValidateTreatment(d.treatment(), rules, info.taxpayer_type(),
                                     Yyyymmdd(ChinaDate(st.ctx().timestamp_ms)));
        !s.ok()) {
      return s;
    }
  }
  switch (CheckTaxpayerId(info.taxpayer_id())) {
    case IdCheck::kOk:
      *check_failed = false;
      break;
    case IdCheck::kBadFormat:
      return Reject(code::kTaxpayerIdFormat, "taxpayer id '" + info.taxpayer_id().value() +
                                                 "' does not have the shape of its kind");
    case IdCheck::kCheckFailed:
      if (info.check_override_reason().empty()) {
        return Reject(code::kTaxpayerIdCheck,
                      "taxpayer id '" + info.taxpayer_id().value() +
                          "' fails its check character; resend with an override reason if the "
                          "code is really registered");
      }
      *check_failed = true;
      break;
  }
  if (info.check_override_reason().size() > 500) return bad("override reason at most 500 bytes");
  return Status::Ok();
}

}  // namespace

Status ApplyRegisterVendor(TxState& st, const TxEnv& env) {
  if (Status s = RequireRole(env, pb::MARKET_OPERATOR); !s.ok()) return s;
  pb::RegisterVendor msg;
  if (!ParsePayload(env, msg)) return Reject(code::kBadPayload, "payload does not parse");
  bool check_failed = false;
  if (Status s = ValidateVendorInfo(st, env, msg.info(), &check_failed); !s.ok()) return s;
  const Bytes key = keys::Vendor(msg.info().vendor_id());
  if (st.Get(Column::kState, key)) {
    return Reject(code::kVendorExists, "vendor '" + msg.info().vendor_id() + "' exists");
  }
  pb::Vendor v;
  *v.mutable_info() = msg.info();
  if (!check_failed) v.mutable_info()->clear_check_override_reason();
  v.set_status(pb::ACTIVE);
  v.set_check_failed(check_failed);
  v.set_operator_member(env.member->index());
  v.set_registered_at_ms(st.ctx().timestamp_ms);
  v.set_updated_at_ms(st.ctx().timestamp_ms);
  st.Store(Column::kState, key, v);
  st.Emit("vendor.registered", v.info().vendor_id());
  if (check_failed) st.Emit("vendor.check_overridden", v.info().vendor_id());
  return Status::Ok();
}

Status ApplyUpdateVendor(TxState& st, const TxEnv& env) {
  if (Status s = RequireRole(env, pb::MARKET_OPERATOR); !s.ok()) return s;
  pb::UpdateVendor msg;
  if (!ParsePayload(env, msg)) return Reject(code::kBadPayload, "payload does not parse");
  const Bytes key = keys::Vendor(msg.info().vendor_id());
  pb::Vendor v;
  if (!st.Load(Column::kState, key, v)) {
    return Reject(code::kVendorUnknown, "vendor '" + msg.info().vendor_id() + "' unknown");
  }
  if (!OperatesMarket(*env.member, v.info().market())) {
    return Reject(code::kNotOwnMarket, "the vendor is not in a market of this operator");
  }
  bool check_failed = false;
  if (Status s = ValidateVendorInfo(st, env, msg.info(), &check_failed); !s.ok()) return s;
  *v.mutable_info() = msg.info();
  if (!check_failed) v.mutable_info()->clear_check_override_reason();
  v.set_check_failed(check_failed);
  v.set_updated_at_ms(st.ctx().timestamp_ms);
  st.Store(Column::kState, key, v);
  st.Emit("vendor.updated", v.info().vendor_id());
  return Status::Ok();
}

Status ApplySetVendorStatus(TxState& st, const TxEnv& env) {
  if (Status s = RequireRole(env, pb::MARKET_OPERATOR); !s.ok()) return s;
  pb::SetVendorStatus msg;
  if (!ParsePayload(env, msg)) return Reject(code::kBadPayload, "payload does not parse");
  const Bytes key = keys::Vendor(msg.vendor_id());
  pb::Vendor v;
  if (!st.Load(Column::kState, key, v)) {
    return Reject(code::kVendorUnknown, "vendor '" + msg.vendor_id() + "' unknown");
  }
  if (!OperatesMarket(*env.member, v.info().market())) {
    return Reject(code::kNotOwnMarket, "the vendor is not in a market of this operator");
  }
  if (msg.status() != pb::ACTIVE && msg.status() != pb::SUSPENDED) {
    return Reject(code::kVendorInvalid, "status must be ACTIVE or SUSPENDED");
  }
  if (msg.status() == pb::SUSPENDED && msg.reason().empty()) {
    return Reject(code::kVendorInvalid, "a suspension needs a reason");
  }
  v.set_status(msg.status());
  v.set_status_reason(msg.reason());
  v.set_updated_at_ms(st.ctx().timestamp_ms);
  st.Store(Column::kState, key, v);
  st.Emit(msg.status() == pb::SUSPENDED ? "vendor.suspended" : "vendor.reinstated",
          msg.vendor_id());
  return Status::Ok();
}

}  // namespace fapiao::contracts
