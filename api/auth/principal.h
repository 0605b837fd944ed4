// Who is calling: the roles of DOMAIN.md's table and the Principal an
// authenticated request acts as (role, scope, key id). API keys exist for the
// five keyed roles; buyers act through a claim token and anonymous callers may
// only verify. Value types and pure functions; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fapiao::api::auth {

enum class Role {
  kVendor,           // scope: vendor id
  kMarketOperator,   // scope: market
  kPaymentProvider,  // scope: payment provider id
  kReimbursingOrg,   // scope: organisation id
  kTaxOfficer,       // scope: officer reference (recorded, not a restriction)
  kBuyer,            // scope: claim reference; never holds an API key
  kAnonymous,        // no scope; never holds an API key
};

// Every role, in declaration order (tests iterate it).
std::span<const Role> AllRoles();
// "vendor", "market_operator", "payment_provider", "reimbursing_org",
// "tax_officer", "buyer", "anonymous".
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);
// True for the five roles an API key may carry.
bool IsKeyedRole(Role role);

struct Principal {
  Role role = Role::kAnonymous;
  std::string scope;   // see Role
  std::string key_id;  // empty unless authenticated by an API key

  // A buyer who presented a claim token the caller has already checked.
  // REQUIRES: claim_ref non-empty.
  static Principal Buyer(std::string claim_ref);
  static Principal Anonymous() { return {}; }
};

}  // namespace fapiao::api::auth
