#include "contracts/contract.h"

#include <cassert>

#include "contracts/handlers.h"
#include "contracts/keys.h"
#include "contracts/kinds.h"

namespace fapiao::contracts {

std::string_view KindName(uint32_t kind) {
  switch (static_cast<TxKind>(kind)) {
    case TxKind::kGenesis:
      return "genesis";
    case TxKind::kSetTaxRules:
      return "set_tax_rules";
    case TxKind::kSetVendorQuota:
      return "set_vendor_quota";
    case TxKind::kRaiseFlag:
      return "raise_flag";
    case TxKind::kRecordOfficerQuery:
      return "record_officer_query";
    case TxKind::kHeartbeat:
      return "heartbeat";
    case TxKind::kRegisterVendor:
      return "register_vendor";
    case TxKind::kUpdateVendor:
      return "update_vendor";
    case TxKind::kSetVendorStatus:
      return "set_vendor_status";
    case TxKind::kAttestPayment:
      return "attest_payment";
    case TxKind::kRequestInvoice:
      return "request_invoice";
    case TxKind::kIssueInvoice:
      return "issue_invoice";
    case TxKind::kReimbursementMarks:
      return "reimbursement_marks";
    case TxKind::kOpenRedLetterForm:
      return "open_red_letter_form";
    case TxKind::kConfirmRedLetterForm:
      return "confirm_red_letter_form";
    case TxKind::kRejectRedLetterForm:
      return "reject_red_letter_form";
    case TxKind::kWithdrawRedLetterForm:
      return "withdraw_red_letter_form";
  }
  return "unknown";
}

bool KindAllowedForRole(uint32_t kind, int role) {
  switch (static_cast<TxKind>(kind)) {
    case TxKind::kGenesis:
      return false;
    case TxKind::kSetTaxRules:
    case TxKind::kSetVendorQuota:
    case TxKind::kRaiseFlag:
    case TxKind::kRecordOfficerQuery:
      return role == pb::TAX_BUREAU;
    case TxKind::kRegisterVendor:
    case TxKind::kUpdateVendor:
    case TxKind::kSetVendorStatus:
    case TxKind::kIssueInvoice:
      return role == pb::MARKET_OPERATOR;
    case TxKind::kAttestPayment:
      return role == pb::PAYMENT_PROVIDER;
    case TxKind::kReimbursementMarks:
      return role == pb::REIMBURSING_ORG;
    case TxKind::kHeartbeat:
    case TxKind::kRequestInvoice:
    case TxKind::kOpenRedLetterForm:
    case TxKind::kConfirmRedLetterForm:
    case TxKind::kRejectRedLetterForm:
    case TxKind::kWithdrawRedLetterForm:
      return true;
  }
  return false;
}

Status RequireRole(const TxEnv& env, pb::Role role) {
  assert(env.member != nullptr);
  if (env.member->role() != role) {
    return Reject(code::kForbidden, "member " + std::to_string(env.member->index()) +
                                        " may not send this transaction with its role");
  }
  return Status::Ok();
}

bool OperatesMarket(const pb::Member& m, const std::string& market) {
  if (m.role() != pb::MARKET_OPERATOR) return false;
  for (const auto& mk : m.markets()) {
    if (mk == market) return true;
  }
  return false;
}

pb::TaxRules LoadRules(const TxState& st) {
  pb::TaxRules rules;
  st.Load(Column::kState, keys::Rules(), rules);
  return rules;
}

namespace {

Status Dispatch(TxState& st, const TxEnv& env) {
  switch (static_cast<TxKind>(env.tx.kind())) {
    case TxKind::kGenesis:
      return Reject(code::kGenesisExists, "the chain already has its genesis");
    case TxKind::kSetTaxRules:
      return ApplySetTaxRules(st, env);
    case TxKind::kSetVendorQuota:
      return ApplySetVendorQuota(st, env);
    case TxKind::kRaiseFlag:
      return ApplyRaiseFlag(st, env);
    case TxKind::kRecordOfficerQuery:
      return ApplyRecordOfficerQuery(st, env);
    case TxKind::kHeartbeat:
      // Liveness probes and consensus benchmarks: ordered, executed exactly
      // once and receipted like any transaction, with no contract effect.
      st.Emit("heartbeat", "");
      return Status::Ok();
    case TxKind::kRegisterVendor:
      return ApplyRegisterVendor(st, env);
    case TxKind::kUpdateVendor:
      return ApplyUpdateVendor(st, env);
    case TxKind::kSetVendorStatus:
      return ApplySetVendorStatus(st, env);
    case TxKind::kAttestPayment:
      return ApplyAttestPayment(st, env);
    case TxKind::kRequestInvoice:
      return ApplyRequestInvoice(st, env);
    case TxKind::kIssueInvoice:
      return ApplyIssueInvoice(st, env);
    case TxKind::kReimbursementMarks:
      return ApplyReimbursementMarks(st, env);
    case TxKind::kOpenRedLetterForm:
      return ApplyOpenRedLetterForm(st, env);
    case TxKind::kConfirmRedLetterForm:
      return ApplyConfirmRedLetterForm(st, env);
    case TxKind::kRejectRedLetterForm:
      return ApplyRejectRedLetterForm(st, env);
    case TxKind::kWithdrawRedLetterForm:
      return ApplyWithdrawRedLetterForm(st, env);
  }
  return Reject(code::kUnknownKind, "unknown transaction kind " + std::to_string(env.tx.kind()));
}

}  // namespace

Result<Outcome> Apply(const StateView& view, const pb::Transaction& tx, const BlockContext& ctx) {
  assert(ctx.hasher != nullptr);
  TxState st(view, ctx);
  pb::ChainConfig config;
  const bool has_genesis = st.Load(Column::kState, keys::Config(), config);
  Status s;
  if (!has_genesis) {
    if (tx.kind() != static_cast<uint32_t>(TxKind::kGenesis)) {
      return Reject(code::kNoGenesis, "no genesis has been applied");
    }
    s = ApplyGenesis(st, TxEnv{tx, config, nullptr});
  } else {
    if (tx.chain_id() != config.chain_id()) {
      return Reject(code::kWrongChain, "transaction is for chain '" + tx.chain_id() + "'");
    }
    pb::Member member;
    if (!st.Load(Column::kState, keys::Member(tx.member()), member)) {
      return Reject(code::kUnknownMember, "member " + std::to_string(tx.member()) + " unknown");
    }
    s = Dispatch(st, TxEnv{tx, config, &member});
  }
  if (!s.ok()) return s;
  return st.Finish();
}

}  // namespace fapiao::contracts
