// The printable invoice: GET /v1/invoices/{number}/document.
// Being built; registers nothing yet.
#include "api/merchant/merchant_api.h"

namespace fapiao::api::merchant {

void AddInvoiceDocumentRoute(Router& /*router*/, const MerchantContext& /*ctx*/) {}

}  // namespace fapiao::api::merchant
