#include "api/auth/principal.h"

#include <array>
#include <cassert>
#include <utility>

namespace fapiao::api::auth {
namespace {

constexpr std::array kRoles = {Role::kVendor,         Role::kMarketOperator, Role::kPaymentProvider,
                               Role::kReimbursingOrg, Role::kTaxOfficer,     Role::kBuyer,
                               Role::kAnonymous};

}  // namespace

std::span<const Role> AllRoles() {
  return kRoles;
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kVendor:
      return "vendor";
    case Role::kMarketOperator:
      return "market_operator";
    case Role::kPaymentProvider:
      return "payment_provider";
    case Role::kReimbursingOrg:
      return "reimbursing_org";
    case Role::kTaxOfficer:
      return "tax_officer";
    case Role::kBuyer:
      return "buyer";
    case Role::kAnonymous:
      return "anonymous";
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : kRoles) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

bool IsKeyedRole(Role role) {
  return role != Role::kBuyer && role != Role::kAnonymous;
}

Principal Principal::Buyer(std::string claim_ref) {
  assert(!claim_ref.empty());
  Principal p;
  p.role = Role::kBuyer;
  p.scope = std::move(claim_ref);
  return p;
}

}  // namespace fapiao::api::auth
