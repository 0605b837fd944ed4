// Red-letter confirmation forms and red invoices. A form is opened by the
// seller (through its market operator) or the buyer (one-time buyer secret)
// with a reason 1-4 and full or partial lines. The counterparty must confirm
// when the buyer opened it or the buyer already used the invoice; otherwise the
// red invoice is issued at once. A pending form lapses 72 h (block time) after
// opening. Per line, red never exceeds blue. Locked or closed invoices refuse.
#include <algorithm>
#include <cassert>
#include <set>

#include "contracts/handlers.h"
#include "contracts/issuance.h"
#include "contracts/keys.h"
#include "ledger/core/money.h"

namespace fapiao::contracts {
namespace {

constexpr uint64_t kConfirmWindowMs = 72ULL * 3600 * 1000;

bool IsLapsed(const pb::RedLetterForm& f, uint64_t now) {
  return f.status() == pb::PENDING && now > f.deadline_ms();
}

Status CheckMarks(const pb::Invoice& blue) {
  if (blue.mark() == pb::MARK_LOCKED) {
    return Reject(code::kFormLocked, "invoice " + blue.number() +
                                         " is locked for reimbursement; the organisation must "
                                         "unlock it first");
  }
  if (blue.mark() == pb::MARK_CLOSED) {
    return Reject(code::kFormReimbursed, "invoice " + blue.number() + " is reimbursed (closed)");
  }
  return Status::Ok();
}

// The acting party: the seller through the operator of the vendor's market, or
// the buyer through the one-time secret.
Status CheckParty(TxState& st, const TxEnv& env, pb::Party party, const pb::Invoice& blue,
                  const pb::BuyerAuth& auth) {
  if (party == pb::SELLER) {
    if (!OperatesMarket(*env.member, blue.market())) {
      return Reject(code::kFormWrongParty, "only the seller's market operator acts for the seller");
    }
    return Status::Ok();
  }
  if (party == pb::BUYER) return CheckBuyerAuth(st, auth, blue.buyer_hash());
  return Reject(code::kFormInvalid, "party must be SELLER or BUYER");
}

Status IssueRed(TxState& st, const TxEnv& env, pb::RedLetterForm& form, pb::Invoice& blue) {
  if (Status s = CheckMarks(blue); !s.ok()) return s;
  pb::Invoice red;
  red.set_kind(pb::RED);
  red.set_vendor_id(blue.vendor_id());
  red.set_seller_name(blue.seller_name());
  *red.mutable_seller_id() = blue.seller_id();
  red.set_market(blue.market());
  *red.mutable_buyer() = blue.buyer();
  red.set_buyer_hash(blue.buyer_hash());
  red.set_blue_number(blue.number());
  red.set_form_id(form.form_id());
  int64_t pre = 0, tax = 0;
  for (const auto& rl : form.open().lines()) {
    pb::InvoiceLine& bl = *blue.mutable_lines(static_cast<int>(rl.line()));
    const int64_t remaining = bl.input().amount_fen() - bl.red_amount_fen();
    if (rl.amount_fen() > remaining) {
      return Reject(code::kRedExceedsBlue, "line " + std::to_string(rl.line()) +
                                               ": red amount exceeds what remains of the blue");
    }
    int64_t line_tax = 0;
    const int64_t tax_left = bl.tax_fen() - bl.red_tax_fen();
    if (rl.amount_fen() == remaining) {
      line_tax = tax_left;  // the last reversal takes exactly what is left
    } else if (bl.input().treatment().treatment() == pb::TAXABLE) {
      line_tax = std::min(
          TaxHalfUp(Fen(rl.amount_fen()), bl.input().treatment().rate_bp())->value(), tax_left);
    }
    bl.set_red_amount_fen(bl.red_amount_fen() + rl.amount_fen());
    bl.set_red_tax_fen(bl.red_tax_fen() + line_tax);
    pb::InvoiceLine* l = red.add_lines();
    *l->mutable_input() = bl.input();
    l->mutable_input()->set_amount_fen(-rl.amount_fen());
    l->mutable_input()->clear_quantity();
    l->mutable_input()->clear_unit_price();
    l->set_tax_fen(-line_tax);
    pre -= rl.amount_fen();
    tax -= line_tax;
  }
  red.set_pre_tax_fen(pre);
  red.set_tax_fen(tax);
  red.set_total_fen(pre + tax);
  if (Status s = CommitInvoice(st, env.config, red); !s.ok()) return s;
  blue.add_red_numbers(red.number());
  blue.clear_open_form();
  form.set_status(pb::CONFIRMED);
  form.set_red_number(red.number());
  form.set_closed_at_ms(st.ctx().timestamp_ms);
  st.Emit("invoice.red_issued", red.number());
  return Status::Ok();
}

struct Loaded {
  pb::RedLetterForm form;
  pb::Invoice blue;
};

Result<Loaded> LoadForm(const TxState& st, const std::string& form_id) {
  Loaded l;
  if (!st.Load(Column::kState, keys::Form(form_id), l.form)) {
    return Reject(code::kFormUnknown, "form '" + form_id + "' unknown");
  }
  const bool ok = st.Load(Column::kState, keys::Invoice(l.form.open().blue_number()), l.blue);
  assert(ok);
  (void)ok;
  if (l.form.status() != pb::PENDING) {
    return Reject(code::kFormNotPending, "form '" + form_id + "' is no longer pending");
  }
  if (IsLapsed(l.form, st.ctx().timestamp_ms)) {
    return Reject(code::kFormLapsed, "form '" + form_id + "' lapsed: not confirmed within 72 h");
  }
  return l;
}

void Save(TxState& st, const pb::RedLetterForm& form, const pb::Invoice& blue) {
  st.Store(Column::kState, keys::Form(form.form_id()), form);
  st.Store(Column::kState, keys::Invoice(blue.number()), blue);
}

}  // namespace

Status ApplyOpenRedLetterForm(TxState& st, const TxEnv& env) {
  pb::OpenRedLetterForm msg;
  if (!ParsePayload(env, msg)) return Reject(code::kBadPayload, "payload does not parse");
  pb::Invoice blue;
  if (!st.Load(Column::kState, keys::Invoice(msg.blue_number()), blue)) {
    return Reject(code::kInvoiceUnknown, "invoice " + msg.blue_number() + " unknown");
  }
  if (blue.kind() != pb::BLUE) return Reject(code::kFormNotBlue, "only a blue invoice is reversed");
  if (msg.reason() < 1 || msg.reason() > 4) {
    return Reject(code::kFormInvalid,
                  "reason must be 1 (error), 2 (return), 3 (service "
                  "stopped) or 4 (allowance)");
  }
  if (Status s = CheckParty(st, env, msg.opener(), blue, msg.buyer()); !s.ok()) return s;
  if (Status s = CheckMarks(blue); !s.ok()) return s;
  if (!blue.open_form().empty()) {
    pb::RedLetterForm prev;
    st.Load(Column::kState, keys::Form(blue.open_form()), prev);
    if (!IsLapsed(prev, st.ctx().timestamp_ms)) {
      return Reject(code::kFormPending, "form '" + blue.open_form() + "' is still pending");
    }
    prev.set_status(pb::LAPSED);
    prev.set_closed_at_ms(prev.deadline_ms());
    st.Store(Column::kState, keys::Form(prev.form_id()), prev);
  }
  // Resolve lines.
  pb::OpenRedLetterForm open = msg;
  open.clear_buyer();
  open.clear_lines();
  if (msg.full()) {
    for (int i = 0; i < blue.lines_size(); ++i) {
      const int64_t rem = blue.lines(i).input().amount_fen() - blue.lines(i).red_amount_fen();
      if (rem > 0) {
        pb::RedLine* rl = open.add_lines();
        rl->set_line(static_cast<uint32_t>(i));
        rl->set_amount_fen(rem);
      }
    }
    if (open.lines().empty()) return Reject(code::kRedExceedsBlue, "nothing left to reverse");
  } else {
    if (msg.lines().empty()) return Reject(code::kFormInvalid, "a partial form needs lines");
    std::set<uint32_t> seen;
    for (const auto& rl : msg.lines()) {
      if (rl.line() >= static_cast<uint32_t>(blue.lines_size()) || !seen.insert(rl.line()).second ||
          rl.amount_fen() <= 0) {
        return Reject(code::kFormInvalid, "red lines name distinct blue lines, positive amounts");
      }
      const auto& bl = blue.lines(static_cast<int>(rl.line()));
      if (rl.amount_fen() > bl.input().amount_fen() - bl.red_amount_fen()) {
        return Reject(code::kRedExceedsBlue, "line " + std::to_string(rl.line()) +
                                                 ": red amount exceeds what remains of the blue");
      }
      *open.add_lines() = rl;
    }
  }
  uint64_t n = 0;
  if (auto raw = st.Get(Column::kState, keys::FormCounter(blue.number()))) n = ReadU64(*raw);
  ++n;
  Bytes ctr;
  AppendU64(ctr, n);
  st.Put(Column::kState, keys::FormCounter(blue.number()), ctr);

  pb::RedLetterForm form;
  form.set_form_id(blue.number() + "-" + std::to_string(n));
  *form.mutable_open() = open;
  form.set_opened_at_ms(st.ctx().timestamp_ms);
  form.set_deadline_ms(st.ctx().timestamp_ms + kConfirmWindowMs);
  const bool needs = msg.opener() == pb::BUYER || blue.used();
  form.set_needs_confirmation(needs);
  form.set_confirmer(msg.opener() == pb::BUYER ? pb::SELLER : pb::BUYER);
  st.Emit("redletter.opened", form.form_id());
  if (needs) {
    form.set_status(pb::PENDING);
    blue.set_open_form(form.form_id());
  } else {
    if (Status s = IssueRed(st, env, form, blue); !s.ok()) return s;
  }
  Save(st, form, blue);
  return Status::Ok();
}

Status ApplyConfirmRedLetterForm(TxState& st, const TxEnv& env) {
  pb::FormAction msg;
  if (!ParsePayload(env, msg)) return Reject(code::kBadPayload, "payload does not parse");
  auto l = LoadForm(st, msg.form_id());
  if (!l.ok()) return l.status();
  if (Status s = CheckParty(st, env, l->form.confirmer(), l->blue, msg.buyer()); !s.ok()) return s;
  if (Status s = IssueRed(st, env, l->form, l->blue); !s.ok()) return s;
  st.Emit("redletter.confirmed", msg.form_id());
  Save(st, l->form, l->blue);
  return Status::Ok();
}

Status ApplyRejectRedLetterForm(TxState& st, const TxEnv& env) {
  pb::FormAction msg;
  if (!ParsePayload(env, msg)) return Reject(code::kBadPayload, "payload does not parse");
  auto l = LoadForm(st, msg.form_id());
  if (!l.ok()) return l.status();
  if (Status s = CheckParty(st, env, l->form.confirmer(), l->blue, msg.buyer()); !s.ok()) return s;
  l->form.set_status(pb::REJECTED);
  l->form.set_closed_at_ms(st.ctx().timestamp_ms);
  l->blue.clear_open_form();
  Save(st, l->form, l->blue);
  st.Emit("redletter.rejected", msg.form_id());
  return Status::Ok();
}

Status ApplyWithdrawRedLetterForm(TxState& st, const TxEnv& env) {
  pb::FormAction msg;
  if (!ParsePayload(env, msg)) return Reject(code::kBadPayload, "payload does not parse");
  auto l = LoadForm(st, msg.form_id());
  if (!l.ok()) return l.status();
  if (Status s = CheckParty(st, env, l->form.open().opener(), l->blue, msg.buyer()); !s.ok()) {
    return s;
  }
  l->form.set_status(pb::WITHDRAWN);
  l->form.set_closed_at_ms(st.ctx().timestamp_ms);
  l->blue.clear_open_form();
  Save(st, l->form, l->blue);
  st.Emit("redletter.withdrawn", msg.form_id());
  return Status::Ok();
}

}  // namespace fapiao::contracts
