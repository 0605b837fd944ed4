#include "tests/contracts/random_driver.h"

#include <map>
#include <set>

#include "contracts/indexes.h"
#include "contracts/keys.h"

namespace fapiao::contracts::test {
namespace {

const std::vector<std::string> kVendors = {"v0", "v1", "v2", "v3"};
const std::vector<std::string> kBuyers = {"b0", "b1", "b2"};

template <typename M>
std::vector<M> ScanState(const StateView& s, const Bytes& prefix) {
  std::vector<M> out;
  s.ScanPrefix(Column::kState, prefix, [&](ByteView, ByteView v) {
    M m;
    m.ParseFromString(std::string(v));
    out.push_back(std::move(m));
    return true;
  });
  return out;
}

}  // namespace

std::vector<pb::Invoice> RandomDriver::Invoices(pb::InvoiceKind kind) const {
  std::vector<pb::Invoice> out;
  for (auto& inv : ScanState<pb::Invoice>(c_.state(), keys::InvoicePrefix())) {
    if (inv.kind() == kind) out.push_back(std::move(inv));
  }
  return out;
}

std::vector<std::string> RandomDriver::Step() {
  if (recorded_.empty()) {
    // Roster first: two small-scale and two general vendors.
    for (size_t i = 0; i < kVendors.size(); ++i) {
      pb::RegisterVendor v;
      auto* info = v.mutable_info();
      info->set_vendor_id(kVendors[i]);
      info->set_name("Stall " + kVendors[i]);
      info->mutable_taxpayer_id()->set_kind(pb::USCC);
      info->mutable_taxpayer_id()->set_value(MakeUscc(static_cast<uint32_t>(100 + i)));
      info->set_market("M1");
      info->set_taxpayer_type(i < 2 ? pb::SMALL_SCALE : pb::GENERAL);
      RecordedBlock b{c_.now(), {c_.Tx(kOp, TxKind::kRegisterVendor, v)}};
      recorded_.push_back(b);
      c_.Block(b.txs);
    }
  }
  if (Chance(15)) c_.Advance(Uniform(0, 30) * 3600 * 1000);
  RecordedBlock b{c_.now(), {}};
  const uint64_t n = Uniform(1, 4);
  for (uint64_t i = 0; i < n; ++i) b.txs.push_back(Next());
  if (Chance(5)) b.txs.push_back(b.txs.front());  // a replayed (member, sequence)
  recorded_.push_back(b);
  return c_.Block(b.txs);
}

pb::Transaction RandomDriver::Next() {
  const uint64_t pick = Uniform(0, 99);
  if (pick < 20) {
    pb::AttestPayment p;
    p.set_vendor_id(kVendors[Uniform(0, kVendors.size() - 1)]);
    p.set_amount_fen(static_cast<int64_t>(Uniform(1, 60000)));
    p.set_paid_at_ms(c_.now());
    const std::string ref = "r" + std::to_string(Chance(10) ? Uniform(0, next_ref_) : next_ref_++);
    p.set_reference(ref);
    p.set_claim_token_hash(
        c_.hasher().Digest(Bytes("fapiao/claim/v1") + '\0' + ClaimToken(ref)).ToBytes());
    return c_.Tx(Chance(80) ? kPay : kPay2, TxKind::kAttestPayment, p);
  }
  if (pick < 35) {
    pb::RequestInvoice r;
    const std::string ref = "r" + std::to_string(Uniform(0, next_ref_));
    r.mutable_payment()->set_provider(kPay);
    r.mutable_payment()->set_reference(ref);
    r.set_claim_token(Chance(95) ? ClaimToken(ref) : "wrong");
    const std::string buyer = kBuyers[Uniform(0, kBuyers.size() - 1)];
    r.mutable_title()->set_type(pb::INDIVIDUAL);
    r.mutable_title()->set_name_commitment(Chain::BuyerHash("n-" + buyer));
    r.set_buyer_hash(Chain::BuyerHash(buyer));
    r.set_buyer_auth_hash(c_.AuthHash(buyer, 0));
    return c_.Tx(kOp, TxKind::kRequestInvoice, r);
  }
  if (pick < 65) return Issue();
  if (pick < 75) {
    auto blues = Invoices(pb::BLUE);
    pb::ReimbursementMarks m;
    const uint64_t k = Uniform(1, 3);
    for (uint64_t i = 0; i < k; ++i) {
      auto* mk = m.add_marks();
      mk->set_invoice_number(blues.empty() ? "x" : blues[Uniform(0, blues.size() - 1)].number());
      mk->set_action(static_cast<pb::MarkAction>(Uniform(1, 3)));
    }
    return c_.Tx(Chance(50) ? kOrgA : kOrgB, TxKind::kReimbursementMarks, m);
  }
  if (pick < 88) return OpenForm();
  if (pick < 97) return ActOnForm();
  pb::SetVendorStatus s;
  s.set_vendor_id(kVendors[Uniform(0, kVendors.size() - 1)]);
  s.set_status(Chance(50) ? pb::SUSPENDED : pb::ACTIVE);
  s.set_reason("random");
  return c_.Tx(kOp, TxKind::kSetVendorStatus, s);
}

pb::Transaction RandomDriver::Issue() {
  // Pick a requested payment with capacity, maybe a second of the same vendor and buyer.
  std::vector<pb::Payment> ps;
  for (auto& p : ScanState<pb::Payment>(c_.state(), Bytes("pay/"))) {
    if (p.requested()) ps.push_back(std::move(p));
  }
  pb::IssueInvoice msg;
  if (ps.empty()) {
    msg.set_vendor_id("v0");
    return c_.Tx(kOp, TxKind::kIssueInvoice, msg);
  }
  const pb::Payment& p = ps[Uniform(0, ps.size() - 1)];
  msg.set_vendor_id(p.attested().vendor_id());
  const uint64_t nlines = Uniform(1, 3);
  int64_t total = 0;
  for (uint64_t i = 0; i < nlines; ++i) {
    auto* l = msg.add_lines();
    l->set_name("item");
    const int64_t amt = static_cast<int64_t>(Uniform(1, 20000));
    l->set_amount_fen(amt);
    const uint64_t t = Uniform(0, 3);
    if (t == 0) {
      l->mutable_treatment()->set_treatment(pb::EXEMPT);
      l->mutable_treatment()->set_policy_code("VEG");
    } else {
      l->mutable_treatment()->set_treatment(pb::TAXABLE);
      l->mutable_treatment()->set_rate_bp(t == 1 ? 100 : t == 2 ? 300 : 1300);
    }
    int64_t tax = t == 0 ? 0 : TaxHalfUp(Fen(amt), l->treatment().rate_bp())->value();
    total += amt + tax;
  }
  std::vector<const pb::Payment*> use = {&p};
  if (Chance(30)) {
    for (const auto& q : ps) {
      if (&q != &p && q.attested().vendor_id() == p.attested().vendor_id() &&
          q.provider() == p.provider()) {
        use.push_back(&q);
        break;
      }
    }
  }
  int64_t left = total + (Chance(5) ? 1 : 0);
  for (size_t i = 0; i < use.size(); ++i) {
    auto* a = msg.add_allocations();
    a->mutable_payment()->set_provider(use[i]->provider());
    a->mutable_payment()->set_reference(use[i]->attested().reference());
    const int64_t cap = use[i]->attested().amount_fen() - use[i]->invoiced_fen();
    const int64_t take = i + 1 == use.size() ? left : std::min(left, std::max<int64_t>(cap, 1));
    a->set_amount_fen(take);
    left -= take;
  }
  return c_.Tx(kOp, TxKind::kIssueInvoice, msg);
}

pb::Transaction RandomDriver::OpenForm() {
  auto blues = Invoices(pb::BLUE);
  pb::OpenRedLetterForm f;
  f.set_reason(static_cast<uint32_t>(Uniform(1, 4)));
  f.set_opener(pb::SELLER);
  if (blues.empty()) return c_.Tx(kOp, TxKind::kOpenRedLetterForm, f);
  const pb::Invoice& inv = blues[Uniform(0, blues.size() - 1)];
  f.set_blue_number(inv.number());
  if (Chance(40)) {
    f.set_full(true);
  } else {
    auto* l = f.add_lines();
    const auto li = Uniform(0, static_cast<uint64_t>(inv.lines_size() - 1));
    l->set_line(static_cast<uint32_t>(li));
    l->set_amount_fen(static_cast<int64_t>(
        Uniform(1, static_cast<uint64_t>(inv.lines(static_cast<int>(li)).input().amount_fen()))));
  }
  return c_.Tx(kOp, TxKind::kOpenRedLetterForm, f);
}

pb::Transaction RandomDriver::ActOnForm() {
  auto forms = ScanState<pb::RedLetterForm>(c_.state(), Bytes("form/"));
  pb::FormAction a;
  if (forms.empty()) {
    a.set_form_id("none");
    return c_.Tx(kOp, TxKind::kConfirmRedLetterForm, a);
  }
  const auto& f = forms[Uniform(0, forms.size() - 1)];
  a.set_form_id(f.form_id());
  const uint64_t k = Uniform(0, 2);
  const TxKind kind = k == 0   ? TxKind::kConfirmRedLetterForm
                      : k == 1 ? TxKind::kRejectRedLetterForm
                               : TxKind::kWithdrawRedLetterForm;
  // The buyer's secrets are not tracked here: buyer actions are expected to fail
  // unless the acting party is the seller.
  return c_.Tx(kOp, kind, a);
}

std::string CheckInvariants(const StateView& s) {
  auto invoices = ScanState<pb::Invoice>(s, keys::InvoicePrefix());
  std::map<std::string, pb::Invoice> by_number;
  for (const auto& i : invoices) by_number[i.number()] = i;

  // Invoiced <= attested, and the payment's figures equal a recount.
  std::map<Bytes, int64_t> alloc;
  std::map<Bytes, uint32_t> count;
  for (const auto& i : invoices) {
    for (const auto& a : i.allocations()) {
      const Bytes k = keys::Payment(a.payment().provider(), a.payment().reference());
      alloc[k] += a.amount_fen();
      count[k] += 1;
    }
  }
  for (const auto& p : ScanState<pb::Payment>(s, Bytes("pay/"))) {
    const Bytes k = keys::Payment(p.provider(), p.attested().reference());
    if (p.invoiced_fen() > p.attested().amount_fen()) return "invoiced above attested";
    if (p.invoice_count() > 5) return "more than 5 invoices for a payment";
    if (alloc[k] != p.invoiced_fen() || count[k] != p.invoice_count()) {
      return "payment figures differ from a recount";
    }
  }
  // Red <= blue per line, and blue lines' red figures equal a recount of red invoices.
  std::map<std::pair<std::string, int>, std::pair<int64_t, int64_t>> red;
  for (const auto& i : invoices) {
    if (i.kind() != pb::RED) continue;
    const auto& blue = by_number.at(i.blue_number());
    // Red lines follow the form's lines, which name blue lines; match by order.
    pb::RedLetterForm f;
    auto raw = s.Get(Column::kState, keys::Form(i.form_id()));
    if (!raw || !f.ParseFromString(*raw)) return "red invoice without its form";
    if (f.open().lines_size() != i.lines_size()) return "red lines differ from the form";
    for (int k = 0; k < i.lines_size(); ++k) {
      auto& r = red[{blue.number(), static_cast<int>(f.open().lines(k).line())}];
      r.first += -i.lines(k).input().amount_fen();
      r.second += -i.lines(k).tax_fen();
    }
    if (i.total_fen() >= 0) return "red invoice with a non-negative total";
  }
  for (const auto& i : invoices) {
    if (i.kind() != pb::BLUE) continue;
    for (int k = 0; k < i.lines_size(); ++k) {
      const auto& l = i.lines(k);
      if (l.red_amount_fen() > l.input().amount_fen() || l.red_tax_fen() > l.tax_fen()) {
        return "red above blue on invoice " + i.number();
      }
      const auto r = red[{i.number(), k}];
      if (r.first != l.red_amount_fen() || r.second != l.red_tax_fen()) {
        return "blue line red figures differ from a recount on " + i.number();
      }
    }
  }
  // Aggregates equal a recount.
  std::map<Bytes, pb::DayAggregate> recount;
  for (const auto& i : invoices)
    AddToAggregate(recount[keys::VendorDay(i.vendor_id(), i.date())], i);
  std::map<Bytes, Bytes> stored;
  s.ScanPrefix(Column::kIndex, Bytes("vd/"), [&](ByteView k, ByteView v) {
    stored[Bytes(k)] = Bytes(v);
    return true;
  });
  if (stored.size() != recount.size()) return "aggregate keys differ from a recount";
  for (const auto& [k, agg] : recount) {
    if (stored[k] != agg.SerializeAsString()) return "aggregate differs from a recount";
  }
  // Numbers gap-free per (year, province).
  std::map<std::string, std::set<uint64_t>> seqs;
  for (const auto& [n, i] : by_number) {
    if (n.size() != 20) return "invoice number not 20 digits";
    seqs[n.substr(0, 4)].insert(std::stoull(n.substr(5)));
  }
  for (const auto& [yp, set] : seqs) {
    if (*set.rbegin() != set.size()) return "numbers not gap-free for " + yp;
  }
  return "";
}

}  // namespace fapiao::contracts::test
