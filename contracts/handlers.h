// Internal: one handler per transaction kind, called by Apply (contract.cc)
// after the envelope checks. Each reads and writes through its TxState and
// returns a non-ok Status (stable code) to reject; the caller then discards
// every write. Not part of the public interface of the contracts library.
#pragma once

#include <string>

#include "contracts/codes.h"
#include "contracts/tx_state.h"
#include "ledger/core/status.h"
#include "proto/contracts.pb.h"
#include "proto/ledger.pb.h"

namespace fapiao::contracts {

struct TxEnv {
  const pb::Transaction& tx;
  const pb::ChainConfig& config;  // empty for genesis
  const pb::Member* member;       // the submitting member; null for genesis
};

inline Status Reject(const char* code, std::string message) {
  return Status::Error(code, std::move(message));
}

template <typename M>
bool ParsePayload(const TxEnv& env, M& msg) {
  return msg.ParseFromString(env.tx.payload());
}

// REQUIRES (all but genesis): env.member != nullptr.
Status RequireRole(const TxEnv& env, pb::Role role);
bool OperatesMarket(const pb::Member& m, const std::string& market);
pb::TaxRules LoadRules(const TxState& st);

Status ApplyGenesis(TxState& st, const TxEnv& env);
Status ApplySetTaxRules(TxState& st, const TxEnv& env);
Status ApplySetVendorQuota(TxState& st, const TxEnv& env);
Status ApplyRaiseFlag(TxState& st, const TxEnv& env);
Status ApplyRecordOfficerQuery(TxState& st, const TxEnv& env);
Status ApplyRegisterVendor(TxState& st, const TxEnv& env);
Status ApplyUpdateVendor(TxState& st, const TxEnv& env);
Status ApplySetVendorStatus(TxState& st, const TxEnv& env);
Status ApplyAttestPayment(TxState& st, const TxEnv& env);
Status ApplyRequestInvoice(TxState& st, const TxEnv& env);
Status ApplyIssueInvoice(TxState& st, const TxEnv& env);
Status ApplyReimbursementMarks(TxState& st, const TxEnv& env);
Status ApplyOpenRedLetterForm(TxState& st, const TxEnv& env);
Status ApplyConfirmRedLetterForm(TxState& st, const TxEnv& env);
Status ApplyRejectRedLetterForm(TxState& st, const TxEnv& env);
Status ApplyWithdrawRedLetterForm(TxState& st, const TxEnv& env);

}  // namespace fapiao::contracts
