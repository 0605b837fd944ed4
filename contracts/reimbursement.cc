// Reimbursement marks on blue invoices: INIT -> LOCKED -> CLOSED, LOCKED ->
// INIT (unlock). CLOSED is final; only the locking organisation may unlock or
// close. A batch is applied in order and is all-or-nothing.
#include "contracts/handlers.h"
#include "contracts/indexes.h"
#include "contracts/keys.h"

namespace fapiao::contracts {
namespace {

bool FullyReversed(const pb::Invoice& inv) {
  for (const auto& l : inv.lines()) {
    if (l.red_amount_fen() < l.input().amount_fen()) return false;
  }
  return true;
}

Status ApplyMark(TxState& st, uint32_t org, const pb::Mark& m) {
  const Bytes key = keys::Invoice(m.invoice_number());
  pb::Invoice inv;
  if (!st.Load(Column::kState, key, inv)) {
    return Reject(code::kInvoiceUnknown, "invoice " + m.invoice_number() + " unknown");
  }
  if (inv.kind() != pb::BLUE) {
    return Reject(code::kMarkNotBlue, "only blue invoices carry reimbursement marks");
  }
  const std::string& n = m.invoice_number();
  switch (m.action()) {
    case pb::LOCK:
      if (inv.mark() != pb::MARK_INIT) {
        return Reject(code::kMarkTransition, "invoice " + n + " is not in INIT (lock refused)");
      }
      if (FullyReversed(inv)) {
        return Reject(code::kMarkReversed, "invoice " + n + " is fully reversed by red invoices");
      }
      inv.set_mark(pb::MARK_LOCKED);
      inv.set_mark_org(org);
      inv.set_used(true);
      break;
    case pb::UNLOCK:
    case pb::CLOSE:
      if (inv.mark() != pb::MARK_LOCKED) {
        return Reject(code::kMarkTransition, "invoice " + n + " is not LOCKED");
      }
      if (inv.mark_org() != org) {
        return Reject(code::kMarkNotOwner, "invoice " + n + " was locked by another organisation");
      }
      inv.set_mark(m.action() == pb::UNLOCK ? pb::MARK_INIT : pb::MARK_CLOSED);
      break;
    default:
      return Reject(code::kMarkInvalid, "mark action must be LOCK, UNLOCK or CLOSE");
  }
  st.Store(Column::kState, key, inv);
  IndexMark(st, org, n, inv.mark());
  return Status::Ok();
}

}  // namespace

Status ApplyReimbursementMarks(TxState& st, const TxEnv& env) {
  if (Status s = RequireRole(env, pb::REIMBURSING_ORG); !s.ok()) return s;
  pb::ReimbursementMarks msg;
  if (!ParsePayload(env, msg)) return Reject(code::kBadPayload, "payload does not parse");
  if (msg.marks().empty() || msg.marks_size() > 500) {
    return Reject(code::kMarkInvalid, "a batch holds 1-500 marks");
  }
  for (int i = 0; i < msg.marks_size(); ++i) {
    Status s = ApplyMark(st, env.member->index(), msg.marks(i));
    if (!s.ok()) {
      return Status::Error(s.code(), "mark " + std::to_string(i) + ": " + s.message());
    }
  }
  for (const auto& m : msg.marks()) {
    st.Emit(m.action() == pb::LOCK     ? "mark.locked"
            : m.action() == pb::UNLOCK ? "mark.unlocked"
                                       : "mark.closed",
            m.invoice_number());
  }
  return Status::Ok();
}

}  // namespace fapiao::contracts
