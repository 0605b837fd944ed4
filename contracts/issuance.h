// Internal helpers shared by blue issuance and red-letter: committing a new
// invoice (number, date, words, check code, record, indexes) and checking a
// buyer's one-time authorisation (reveal the secret, commit to the next).
#pragma once

#include <string>

#include "contracts/tx_state.h"
#include "ledger/core/status.h"
#include "proto/contracts.pb.h"

namespace fapiao::contracts {

// REQUIRES: inv has kind, vendor, seller, buyer, lines and totals set.
// Sets number, date, issued time, height, words and check code; stores and indexes.
Status CommitInvoice(TxState& st, const pb::ChainConfig& cfg, pb::Invoice& inv);

// Checks H("fapiao/buyer/v1\0" || secret) against the buyer's current auth
// hash and replaces it with auth.next_auth_hash.
Status CheckBuyerAuth(TxState& st, const pb::BuyerAuth& auth, const std::string& buyer_hash);

}  // namespace fapiao::contracts
