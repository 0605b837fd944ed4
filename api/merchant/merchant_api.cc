#include "api/merchant/merchant_api.h"

#include <cassert>
#include <memory>
#include <set>

#include "api/merchant/operations.h"

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
  const std::size_t before = router.routes().size();
  AddVendorRoutes(router, context);
  AddPaymentRoutes(router, context);
  AddInvoiceRoutes(router, context);
  AddInvoiceQrRoutes(router, context);
  AddVerifyRoute(router, context);
  AddInvoiceDocumentRoute(router, context);
  AddRedLetterRoutes(router, context);
  AddReimbursementRoutes(router, context);
  AddBuyerPageRoutes(router, context);

  // Every merchant write under /v1 takes Idempotency-Key and Prefer: respond-async.
  std::set<const Route*> writes;
  for (std::size_t i = before; i < router.routes().size(); ++i) {
    const Route& r = *router.routes()[i];
    if ((r.method == "POST" || r.method == "PATCH") && r.pattern.starts_with("/v1/") &&
        r.pattern != "/v1/verify") {
      writes.insert(&r);
    }
  }
  auto operations = std::make_shared<Operations>(Operations::Limits{});
  router.Wrap([&](const Route& r) { return writes.contains(&r); },
              [&](Handler h, const Route&) { return AsyncWrite(std::move(h), operations); });
  AddOperationsRoute(router, operations);
}

}  // namespace fapiao::api::merchant
