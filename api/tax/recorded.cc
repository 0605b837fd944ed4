#include "api/tax/recorded.h"

#include <chrono>

#include "api/auth/authorize.h"
#include "api/auth/keys.h"
#include "api/merchant/common.h"

namespace fapiao::api::tax {

ProblemOr<auth::Principal> AuthorizeTaxQuery(const TaxContext& ctx, const Request& request) {
  auto principal = merchant::AuthenticateRequest(*ctx.keys, request);
  if (!principal.ok()) {
    return ProblemFromStatus(auth::HttpStatusFor(principal.status()), principal.status());
  }
  const Status allowed = auth::Authorize(*principal, auth::Action::kTaxQuery, {});
  if (!allowed.ok()) return ProblemFromStatus(auth::HttpStatusFor(allowed), allowed);
  AuditEntry entry;
  entry.at_ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  entry.key_id = principal->key_id;
  entry.officer = principal->scope;
  entry.method = request.method;
  entry.target = request.target;
  const Status appended = ctx.audit->Append(entry);
  if (!appended.ok()) {
    return MakeProblem(503, "audit.unavailable",
                       "the query could not be recorded in the audit log (" + appended.code() +
                           "); it is not answered");
  }
  return *principal;
}

}  // namespace fapiao::api::tax
