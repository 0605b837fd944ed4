// The gate of every tax officer route: authenticate the request, check the
// role may perform auth::Action::kTaxQuery, and append the query to the
// context's AuditLog before anything is read. A failed append refuses the
// query (503 audit.unavailable). Thread-safe as the AuditLog is.
#pragma once

#include "api/auth/principal.h"
#include "api/problem.h"
#include "api/router.h"
#include "api/tax/tax_api.h"

namespace fapiao::api::tax {

// The officer's principal, or the problem to answer: 401 (no or bad key,
// answer it with merchant::ProblemReply for the Bearer challenge), 403
// auth.forbidden (any role but a tax officer), 503 audit.unavailable.
ProblemOr<auth::Principal> AuthorizeTaxQuery(const TaxContext& ctx, const Request& request);

}  // namespace fapiao::api::tax
