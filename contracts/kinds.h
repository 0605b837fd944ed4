// Transaction kinds (Transaction.kind) and their payload messages in
// proto/contracts.proto. Numbers are part of the wire format: never reuse one.
// Who may send each kind is listed in docs/contracts.md.
#pragma once

#include <cstdint>
#include <string_view>

namespace fapiao::contracts {

enum class TxKind : uint32_t {
  kGenesis = 1,                // Genesis
  kSetTaxRules = 2,            // SetTaxRules (tax bureau)
  kSetVendorQuota = 3,         // SetVendorQuota (tax bureau)
  kRaiseFlag = 4,              // RaiseFlag (tax bureau)
  kRecordOfficerQuery = 5,     // RecordOfficerQuery (tax bureau)
  kHeartbeat = 6,              // any payload (any member): changes no contract state
  kRegisterVendor = 10,        // RegisterVendor (market operator)
  kUpdateVendor = 11,          // UpdateVendor (market operator)
  kSetVendorStatus = 12,       // SetVendorStatus (market operator)
  kAttestPayment = 20,         // AttestPayment (payment provider)
  kRequestInvoice = 30,        // RequestInvoice (buyer via any member node)
  kIssueInvoice = 31,          // IssueInvoice (vendor via its market operator)
  kReimbursementMarks = 40,    // ReimbursementMarks (reimbursing organisation)
  kOpenRedLetterForm = 50,     // OpenRedLetterForm (seller via operator, or buyer)
  kConfirmRedLetterForm = 51,  // FormAction (the counterparty)
  kRejectRedLetterForm = 52,   // FormAction (the counterparty)
  kWithdrawRedLetterForm = 53  // FormAction (the opener)
};

std::string_view KindName(uint32_t kind);

// Admission pre-check for the mempool: may a member with `role` submit a
// transaction of `kind` at all? (The contracts enforce the full rules, scopes
// included, at execution; this refuses what can only be rejected there:
// unknown kinds, genesis after height 0, and kinds reserved to another role.)
bool KindAllowedForRole(uint32_t kind, int role);

}  // namespace fapiao::contracts
