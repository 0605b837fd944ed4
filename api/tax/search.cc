// Invoice search (GET /v1/tax/invoices) and the audit log export. Being built; registers nothing yet.
#include "api/tax/tax_api.h"

namespace fapiao::api::tax {

void AddSearchRoutes(Router& /*router*/, const TaxContext& /*ctx*/) {}

}  // namespace fapiao::api::tax
