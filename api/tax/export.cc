// Streamed CSV and UBL 2.1 exports (GET /v1/tax/export). Being built; registers nothing yet.
#include "api/tax/tax_api.h"

namespace fapiao::api::tax {

void AddExportRoutes(Router& /*router*/, const TaxContext& /*ctx*/) {}

}  // namespace fapiao::api::tax
