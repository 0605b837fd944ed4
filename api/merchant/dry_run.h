// Dry runs of a transaction against committed state: contracts::Apply as this
// node's member at the next height, so a route can refuse what the ledger would
// refuse before submitting (a rejected transaction still consumes a sequence and
// writes the executor's seen/ marker). Block time is unknown here: the run uses
// time 0, so refusals that depend on time (a form's 72 h lapse) are left to the
// ledger — see TimeDependent. Pure over the ports; thread-safe.
#pragma once

#include <string>

#include <google/protobuf/message_lite.h>

#include "api/merchant/merchant_api.h"
#include "contracts/kinds.h"

namespace fapiao::api::merchant {

// Ok, or the contract's rejection (code and message) of `payload` as `kind`
// sent by this node's member over the committed state.
Status DryRun(const MerchantContext& ctx, contracts::TxKind kind,
              const google::protobuf::MessageLite& payload);

// True for codes a dry run at time 0 cannot decide (redletter.form_pending,
// redletter.lapsed): the route submits and lets the ledger judge with block time.
bool TimeDependent(const std::string& code);

}  // namespace fapiao::api::merchant
