// Reimbursement mark routes (docs/http.md "Merchant API (part 3)").
// Being built; registers nothing yet.
#include "api/merchant/merchant_api.h"

namespace fapiao::api::merchant {

void AddReimbursementRoutes(Router& /*router*/, const MerchantContext& /*ctx*/) {}

}  // namespace fapiao::api::merchant
