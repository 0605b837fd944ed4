#include "api/tax/tax_api.h"

#include <cassert>

namespace fapiao::api::tax {

void AddSearchRoutes(Router& router, const TaxContext& ctx);
void AddStatsRoutes(Router& router, const TaxContext& ctx);
void AddExportRoutes(Router& router, const TaxContext& ctx);
void AddAnomalyRoutes(Router& router, const TaxContext& ctx);

void AddTaxRoutes(Router& router, const TaxContext& context) {
  assert(context.state && context.keys && context.audit);
  AddSearchRoutes(router, context);
  AddStatsRoutes(router, context);
  AddExportRoutes(router, context);
  AddAnomalyRoutes(router, context);
}

}  // namespace fapiao::api::tax
