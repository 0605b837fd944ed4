// The buyer's web pages and the stall QR (docs/http.md "Buyer page").
// Being built; registers nothing yet.
#include "api/merchant/merchant_api.h"

namespace fapiao::api::merchant {

void AddBuyerPageRoutes(Router& /*router*/, const MerchantContext& /*ctx*/) {}

}  // namespace fapiao::api::merchant
