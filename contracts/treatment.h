// Tax treatment of a line or an item-class default (DOMAIN.md "Money and tax"):
// treatment is explicit, never inferred from a 0 rate. TAXABLE needs a positive
// rate in force (and a small-scale rate for a small-scale vendor); EXEMPT, ZERO
// and NOT_SUBJECT carry rate 0; EXEMPT needs a policy code. Pure; thread-safe.
#pragma once

#include <string>

#include "ledger/core/status.h"
#include "proto/contracts.pb.h"

namespace fapiao::contracts {

// today_yyyymmdd: the block's China-time date, for time-limited small-scale rates.
Status ValidateTreatment(const pb::TaxTreatment& t, const pb::TaxRules& rules,
                         pb::TaxpayerType type, const std::string& today_yyyymmdd);
// Rates 0..10000 bp without duplicates; small-scale rates among the allowed ones.
Status ValidateRules(const pb::TaxRules& rules);

}  // namespace fapiao::contracts
