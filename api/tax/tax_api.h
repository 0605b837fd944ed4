// The tax bureau's query API (docs/http.md "Tax API"; issue [tax-api]): invoice
// search, statistics, anomaly reports and exports over committed state, read
// only, every officer query recorded in the AuditLog. Also the same statistics
// scoped for a market operator and a vendor. The context is borrowed.
#pragma once

#include "api/auth/key_store.h"
#include "api/merchant/ports.h"
#include "api/router.h"
#include "api/tax/audit_log.h"

namespace fapiao::api::tax {

struct TaxContext {
  const merchant::CommittedState* state = nullptr;
  const auth::KeyStore* keys = nullptr;
  AuditLog* audit = nullptr;
  uint32_t member = 0;  // this node's member
};

// REQUIRES: every pointer in `context` non-null.
void AddTaxRoutes(Router& router, const TaxContext& context);

}  // namespace fapiao::api::tax
