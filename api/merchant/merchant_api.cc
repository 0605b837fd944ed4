#include "api/merchant/merchant_api.h"

#include <cassert>

namespace fapiao::api::merchant {

void AddVendorRoutes(Router& router, const MerchantContext& ctx);
void AddPaymentRoutes(Router& router, const MerchantContext& ctx);

void AddMerchantRoutes(Router& router, const MerchantContext& context) {
  assert(context.state && context.submitter && context.keys && context.claims);
  AddVendorRoutes(router, context);
  AddPaymentRoutes(router, context);
}

}  // namespace fapiao::api::merchant
