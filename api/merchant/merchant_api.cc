#include "api/merchant/merchant_api.h"

#include <cassert>

namespace fapiao::api::merchant {

void AddVendorRoutes(Router& router, const MerchantContext& ctx);
void AddPaymentRoutes(Router& router, const MerchantContext& ctx);
void AddInvoiceRoutes(Router& router, const MerchantContext& ctx);
void AddInvoiceQrRoutes(Router& router, const MerchantContext& ctx);
void AddVerifyRoute(Router& router, const MerchantContext& ctx);

void AddMerchantRoutes(Router& router, const MerchantContext& context) {
  assert(context.state && context.submitter && context.keys && context.claims &&
         context.identity.hasher && context.identity.signer && context.anchors);
  AddVendorRoutes(router, context);
  AddPaymentRoutes(router, context);
  AddInvoiceRoutes(router, context);
  AddInvoiceQrRoutes(router, context);
  AddVerifyRoute(router, context);
}

}  // namespace fapiao::api::merchant
