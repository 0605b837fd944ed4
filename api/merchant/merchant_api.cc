#include "api/merchant/merchant_api.h"

#include <cassert>

namespace fapiao::api::merchant {

void AddVendorRoutes(Router& router, const MerchantContext& ctx);
void AddPaymentRoutes(Router& router, const MerchantContext& ctx);
void AddInvoiceRoutes(Router& router, const MerchantContext& ctx);
void AddInvoiceQrRoutes(Router& router, const MerchantContext& ctx);
void AddVerifyRoute(Router& router, const MerchantContext& ctx);
void AddInvoiceDocumentRoute(Router& router, const MerchantContext& ctx);
void AddRedLetterRoutes(Router& router, const MerchantContext& ctx);
void AddReimbursementRoutes(Router& router, const MerchantContext& ctx);
void AddBuyerPageRoutes(Router& router, const MerchantContext& ctx);

void AddMerchantRoutes(Router& router, const MerchantContext& context) {
  assert(context.state && context.submitter && context.keys && context.claims &&
         context.identity.hasher && context.identity.signer && context.anchors);
  AddVendorRoutes(router, context);
  AddPaymentRoutes(router, context);
  AddInvoiceRoutes(router, context);
  AddInvoiceQrRoutes(router, context);
  AddVerifyRoute(router, context);
  AddInvoiceDocumentRoute(router, context);
  AddRedLetterRoutes(router, context);
  AddReimbursementRoutes(router, context);
  AddBuyerPageRoutes(router, context);
}

}  // namespace fapiao::api::merchant
