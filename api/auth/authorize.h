// The authorization matrix: which role may do which merchant-API action, and
// on which resources. Deny by default; a refusal is Status `auth.forbidden`
// (HTTP 403). Scope facts about the resource come from the caller as
// predicates (the ledger knows who owns what; this layer does not). Pure
// functions; thread-safe as long as the supplied predicates are.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "api/auth/principal.h"
#include "ledger/core/status.h"

namespace fapiao::api::auth {

enum class Action {
  kRegisterVendor,
  kUpdateVendor,
  kSuspendVendor,
  kReadVendor,
  kAttestPayment,
  kReadPayment,
  kRequestInvoice,  // the buyer's request with a title (claim token)
  kIssueInvoice,
  kReadInvoice,
  kReadStatistics,  // sales statistics and aggregates
  kOpenRedLetter,
  kConfirmRedLetter,
  kRejectRedLetter,
  kWithdrawRedLetter,
  kLockReimbursement,
  kUnlockReimbursement,
  kCloseReimbursement,
  kVerify,  // public
  kTaxQuery,
};

// Every action, in declaration order (tests iterate it).
std::span<const Action> AllActions();
// Stable names: "vendor.register", "payment.attest", "red_letter.confirm", ...
std::string_view ActionName(Action action);
std::optional<Action> ParseAction(std::string_view name);

// What the resource is, as far as scope goes. Each predicate answers "does the
// resource belong to / fall under this scope value?" for the principal's scope.
// An unset predicate answers no, so a route that forgets one refuses.
struct ResourceScope {
  using Predicate = std::function<bool(std::string_view)>;
  Predicate owned_by_vendor;   // vendor id -> the vendor's own resource
  Predicate in_market;         // market -> the resource is in that market
  Predicate processed_by;      // provider id -> the payment went through it
  Predicate submitted_to;      // organisation id -> the invoice was submitted to it
  Predicate covered_by_claim;  // claim ref -> the buyer's claim covers it

  // Equality predicates for the common cases (empty argument: predicate unset).
  static ResourceScope Vendor(std::string vendor_id, std::string market);
  static ResourceScope Payment(std::string vendor_id, std::string market, std::string provider);
};

// Ok when `principal` may perform `action` on the resource; otherwise
// `auth.forbidden` naming the role and the action (not the resource's owner).
Status Authorize(const Principal& principal, Action action, const ResourceScope& resource);

// The role-level half of the matrix: may the role ever perform the action
// (on a resource in its scope)? Authorize = RoleMay && scope predicate.
bool RoleMay(Role role, Action action);

}  // namespace fapiao::api::auth
