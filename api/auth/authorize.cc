#include "api/auth/authorize.h"

#include <array>
#include <utility>

namespace fapiao::api::auth {
namespace {

constexpr std::array kActions = {
    Action::kRegisterVendor,     Action::kUpdateVendor,
    Action::kSuspendVendor,      Action::kReadVendor,
    Action::kAttestPayment,      Action::kReadPayment,
    Action::kRequestInvoice,     Action::kIssueInvoice,
    Action::kReadInvoice,        Action::kReadStatistics,
    Action::kOpenRedLetter,      Action::kConfirmRedLetter,
    Action::kRejectRedLetter,    Action::kWithdrawRedLetter,
    Action::kLockReimbursement,  Action::kUnlockReimbursement,
    Action::kCloseReimbursement, Action::kVerify,
    Action::kTaxQuery,
};

using A = Action;

// DOMAIN.md's roles table turned into actions (docs/auth.md explains each row).
bool VendorMay(Action a) {
  switch (a) {
    case A::kReadVendor:
    case A::kReadPayment:
    case A::kIssueInvoice:
    case A::kReadInvoice:
    case A::kReadStatistics:
    case A::kOpenRedLetter:
    case A::kConfirmRedLetter:
    case A::kRejectRedLetter:
    case A::kWithdrawRedLetter:
      return true;
    default:
      return false;
  }
}

bool OperatorMay(Action a) {
  switch (a) {
    case A::kRegisterVendor:
    case A::kUpdateVendor:
    case A::kSuspendVendor:
    case A::kReadVendor:
    case A::kReadStatistics:
      return true;
    default:
      return false;
  }
}

bool ProviderMay(Action a) {
  return a == A::kAttestPayment || a == A::kReadPayment;
}

bool ReimburserMay(Action a) {
  switch (a) {
    case A::kReadInvoice:
    case A::kLockReimbursement:
    case A::kUnlockReimbursement:
    case A::kCloseReimbursement:
      return true;
    default:
      return false;
  }
}

bool TaxOfficerMay(Action a) {
  switch (a) {
    case A::kReadVendor:
    case A::kReadPayment:
    case A::kReadInvoice:
    case A::kReadStatistics:
    case A::kTaxQuery:
      return true;
    default:
      return false;
  }
}

bool BuyerMay(Action a) {
  switch (a) {
    case A::kRequestInvoice:
    case A::kReadInvoice:
    case A::kOpenRedLetter:
    case A::kConfirmRedLetter:
    case A::kRejectRedLetter:
    case A::kWithdrawRedLetter:
      return true;
    default:
      return false;
  }
}

bool Holds(const ResourceScope::Predicate& predicate, const std::string& scope) {
  return !scope.empty() && predicate && predicate(scope);
}

bool InScope(const Principal& p, const ResourceScope& r) {
  switch (p.role) {
    case Role::kVendor:
      return Holds(r.owned_by_vendor, p.scope);
    case Role::kMarketOperator:
      return Holds(r.in_market, p.scope);
    case Role::kPaymentProvider:
      return Holds(r.processed_by, p.scope);
    case Role::kReimbursingOrg:
      return Holds(r.submitted_to, p.scope);
    case Role::kBuyer:
      return Holds(r.covered_by_claim, p.scope);
    case Role::kTaxOfficer:  // reads everything
    case Role::kAnonymous:   // only public actions, which need no scope
      return true;
  }
  return false;
}

ResourceScope::Predicate Equals(std::string value) {
  if (value.empty()) return {};
  return [v = std::move(value)](std::string_view s) { return s == v; };
}

}  // namespace

std::span<const Action> AllActions() {
  return kActions;
}

std::string_view ActionName(Action action) {
  switch (action) {
    case A::kRegisterVendor:
      return "vendor.register";
    case A::kUpdateVendor:
      return "vendor.update";
    case A::kSuspendVendor:
      return "vendor.suspend";
    case A::kReadVendor:
      return "vendor.read";
    case A::kAttestPayment:
      return "payment.attest";
    case A::kReadPayment:
      return "payment.read";
    case A::kRequestInvoice:
      return "invoice.request";
    case A::kIssueInvoice:
      return "invoice.issue";
    case A::kReadInvoice:
      return "invoice.read";
    case A::kReadStatistics:
      return "statistics.read";
    case A::kOpenRedLetter:
      return "red_letter.open";
    case A::kConfirmRedLetter:
      return "red_letter.confirm";
    case A::kRejectRedLetter:
      return "red_letter.reject";
    case A::kWithdrawRedLetter:
      return "red_letter.withdraw";
    case A::kLockReimbursement:
      return "reimbursement.lock";
    case A::kUnlockReimbursement:
      return "reimbursement.unlock";
    case A::kCloseReimbursement:
      return "reimbursement.close";
    case A::kVerify:
      return "verify";
    case A::kTaxQuery:
      return "tax.query";
  }
  return "unknown";
}

std::optional<Action> ParseAction(std::string_view name) {
  for (Action action : kActions) {
    if (ActionName(action) == name) return action;
  }
  return std::nullopt;
}

bool RoleMay(Role role, Action action) {
  if (action == A::kVerify) return true;  // public: anyone, keyed or not
  switch (role) {
    case Role::kVendor:
      return VendorMay(action);
    case Role::kMarketOperator:
      return OperatorMay(action);
    case Role::kPaymentProvider:
      return ProviderMay(action);
    case Role::kReimbursingOrg:
      return ReimburserMay(action);
    case Role::kTaxOfficer:
      return TaxOfficerMay(action);
    case Role::kBuyer:
      return BuyerMay(action);
    case Role::kAnonymous:
      return false;
  }
  return false;
}

Status Authorize(const Principal& principal, Action action, const ResourceScope& resource) {
  const std::string who(RoleName(principal.role));
  const std::string what(ActionName(action));
  if (!RoleMay(principal.role, action)) {
    return Status::Error("auth.forbidden", "a " + who + " may not " + what);
  }
  if (action == A::kVerify) return Status::Ok();
  if (!InScope(principal, resource)) {
    return Status::Error("auth.forbidden",
                         "this " + who + " may not " + what + " outside its own scope");
  }
  return Status::Ok();
}

ResourceScope ResourceScope::Vendor(std::string vendor_id, std::string market) {
  ResourceScope r;
  r.owned_by_vendor = Equals(std::move(vendor_id));
  r.in_market = Equals(std::move(market));
  return r;
}

ResourceScope ResourceScope::Payment(std::string vendor_id, std::string market,
                                     std::string provider) {
  ResourceScope r = Vendor(std::move(vendor_id), std::move(market));
  r.processed_by = Equals(std::move(provider));
  return r;
}

}  // namespace fapiao::api::auth
