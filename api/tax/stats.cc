// Statistics for the tax bureau, a market operator and a vendor. Being built; registers nothing yet.
#include "api/tax/tax_api.h"

namespace fapiao::api::tax {

void AddStatsRoutes(Router& /*router*/, const TaxContext& /*ctx*/) {}

}  // namespace fapiao::api::tax
