// Invoice numbers and check codes. A number is 20 digits: 2-digit year (China
// time of the block), 2-digit province, 1-digit channel, 15-digit sequence,
// the sequence gap-free per (year, province) and shared by blue and red
// invoices; assigned at execution, never by the caller. The check code is 20
// digits derived from the chain hash of the invoice's key fields (docs/contracts.md).
#pragma once

#include <string>

#include "contracts/tx_state.h"
#include "ledger/core/status.h"
#include "proto/contracts.pb.h"

namespace fapiao::contracts {

Result<std::string> NextInvoiceNumber(TxState& st, const pb::ChainConfig& cfg);
std::string CheckCode(const Hasher& hasher, const pb::ChainConfig& cfg, const pb::Invoice& inv);

}  // namespace fapiao::contracts
