// Blue invoice issuance from attested, requested payments of one vendor:
// lines with explicit tax treatment and half-up tax, totals in figures and
// capital words, never above the payments, at most 5 invoices per payment,
// vendor quota, suspended vendors refused, number assigned here.
#include "contracts/issuance.h"

#include <set>

#include "contracts/calendar.h"
#include "contracts/capital_words.h"
#include "contracts/decimal.h"
#include "contracts/handlers.h"
#include "contracts/indexes.h"
#include "contracts/keys.h"
#include "contracts/numbering.h"
#include "contracts/treatment.h"

namespace fapiao::contracts {
namespace {

constexpr uint32_t kMaxInvoicesPerPayment = 5;
constexpr int kMaxLines = 200;
constexpr int kMaxAllocations = 20;

Status Overflow() {
  return Reject(code::kOverflow, "amounts overflow int64 fen");
}

bool AddTo(int64_t& acc, int64_t v) {
  return !__builtin_add_overflow(acc, v, &acc);
}

// Resolves the treatment and checks the line; sets line->tax_fen.
Status BuildLine(const pb::LineInput& in, const pb::Vendor& vendor, const pb::TaxRules& rules,
                 const std::string& today, pb::InvoiceLine* line) {
  *line->mutable_input() = in;
  pb::LineInput& l = *line->mutable_input();
  if (l.name().empty() || l.name().size() > 200) {
    return Reject(code::kInvoiceInvalid, "each line needs a name (<=200 bytes)");
  }
  if (l.amount_fen() <= 0) return Reject(code::kInvoiceInvalid, "line amounts are positive fen");
  if (l.treatment().treatment() == pb::TREATMENT_UNSPECIFIED) {
    bool found = false;
    for (const auto& d : vendor.info().defaults()) {
      if (d.item_class() == l.item_class()) {
        *l.mutable_treatment() = d.treatment();
        found = true;
      }
    }
    if (!found) {
      return Reject(code::kBadTreatment,
                    "line '" + l.name() + "' has no treatment and its item class no default");
    }
  }
  if (Status s = ValidateTreatment(l.treatment(), rules, vendor.info().taxpayer_type(), today);
      !s.ok()) {
    return s;
  }
  if (!l.quantity().empty() || !l.unit_price().empty()) {
    auto q = ParseDecimal(l.quantity());
    auto p = ParseDecimal(l.unit_price());
    if (!q || !p) {
      return Reject(code::kBadDecimal,
                    "quantity and unit price are decimals with <= 13 "
                    "fraction digits, both or neither");
    }
    auto ext = ExtendedFen(*q, *p);
    if (!ext || ext->value() < l.amount_fen() - 1 || ext->value() > l.amount_fen() + 1) {
      return Reject(code::kPriceMismatch,
                    "quantity x unit price differs from the line amount "
                    "by more than 1 fen");
    }
  }
  int64_t tax = 0;
  if (l.treatment().treatment() == pb::TAXABLE) {
    auto t = TaxHalfUp(Fen(l.amount_fen()), l.treatment().rate_bp());
    if (!t) return Overflow();
    tax = t->value();
  }
  line->set_tax_fen(tax);
  return Status::Ok();
}

int64_t QuotaLimit(const pb::Vendor& v, const pb::TaxRules& rules) {
  if (v.monthly_quota_fen() == -1) return 0;
  if (v.monthly_quota_fen() > 0) return v.monthly_quota_fen();
  return rules.default_monthly_quota_fen();
}

}  // namespace

Status CommitInvoice(TxState& st, const pb::ChainConfig& cfg, pb::Invoice& inv) {
  auto number = NextInvoiceNumber(st, cfg);
  if (!number.ok()) return number.status();
  inv.set_number(*number);
  inv.set_issued_at_ms(st.ctx().timestamp_ms);
  inv.set_date(Yyyymmdd(ChinaDate(st.ctx().timestamp_ms)));
  inv.set_height(st.ctx().height.value);
  inv.set_total_words(CapitalWords(Fen(inv.total_fen())));
  inv.set_check_code(CheckCode(*st.ctx().hasher, cfg, inv));
  st.Store(Column::kState, keys::Invoice(inv.number()), inv);
  IndexNewInvoice(st, inv);
  return Status::Ok();
}

Status CheckBuyerAuth(TxState& st, const pb::BuyerAuth& auth, const std::string& buyer_hash) {
  const Bytes key = keys::BuyerAuth(buyer_hash);
  auto current = st.Get(Column::kState, key);
  const Bytes pre = Bytes("fapiao/buyer/v1") + '\0' + auth.secret();
  if (!current || auth.secret().empty() || st.Digest(pre).ToBytes() != *current) {
    return Reject(code::kBuyerAuth, "the buyer's secret does not match");
  }
  if (auth.next_auth_hash().size() != Hash::kSize) {
    return Reject(code::kBuyerAuth, "the buyer's next auth hash must be 32 bytes");
  }
  st.Put(Column::kState, key, auth.next_auth_hash());
  return Status::Ok();
}

Status ApplyIssueInvoice(TxState& st, const TxEnv& env) {
  if (Status s = RequireRole(env, pb::MARKET_OPERATOR); !s.ok()) return s;
  pb::IssueInvoice msg;
  if (!ParsePayload(env, msg)) return Reject(code::kBadPayload, "payload does not parse");
  pb::Vendor vendor;
  if (!st.Load(Column::kState, keys::Vendor(msg.vendor_id()), vendor)) {
    return Reject(code::kVendorUnknown, "vendor '" + msg.vendor_id() + "' is not registered");
  }
  if (!OperatesMarket(*env.member, vendor.info().market())) {
    return Reject(code::kNotOwnMarket, "the vendor is not in a market of this operator");
  }
  if (vendor.status() != pb::ACTIVE) {
    return Reject(code::kVendorSuspended, "vendor '" + msg.vendor_id() + "' is suspended");
  }
  if (msg.lines().empty() || msg.lines_size() > kMaxLines) {
    return Reject(code::kInvoiceInvalid, "an invoice has 1-200 lines");
  }
  if (msg.allocations().empty() || msg.allocations_size() > kMaxAllocations) {
    return Reject(code::kInvoiceInvalid, "an invoice draws on 1-20 payments");
  }
  const pb::TaxRules rules = LoadRules(st);
  const std::string today = Yyyymmdd(ChinaDate(st.ctx().timestamp_ms));
  pb::Invoice inv;
  inv.set_kind(pb::BLUE);
  int64_t pre_tax = 0, tax = 0;
  for (const auto& in : msg.lines()) {
    pb::InvoiceLine* line = inv.add_lines();
    if (Status s = BuildLine(in, vendor, rules, today, line); !s.ok()) return s;
    if (!AddTo(pre_tax, line->input().amount_fen()) || !AddTo(tax, line->tax_fen())) {
      return Overflow();
    }
  }
  int64_t total = pre_tax;
  if (!AddTo(total, tax)) return Overflow();

  // Payments: same vendor, requested by one buyer, within amount and count.
  int64_t allocated = 0;
  std::set<Bytes> seen;
  std::string buyer_title, buyer_hash;
  pb::BuyerTitle title;
  std::vector<std::pair<Bytes, pb::Payment>> payments;
  for (const auto& a : msg.allocations()) {
    const auto& pk = a.payment();
    const Bytes key = keys::Payment(pk.provider(), pk.reference());
    const std::string name = std::to_string(pk.provider()) + ":" + pk.reference();
    if (!seen.insert(key).second) return Reject(code::kInvoiceInvalid, "payment listed twice");
    if (a.amount_fen() <= 0) return Reject(code::kInvoiceInvalid, "allocations are positive");
    pb::Payment p;
    if (!st.Load(Column::kState, key, p)) {
      return Reject(code::kPaymentUnknown, "payment " + name + " is not attested");
    }
    if (p.attested().vendor_id() != msg.vendor_id()) {
      return Reject(code::kPaymentVendor, "payment " + name + " was made to another vendor");
    }
    pb::InvoiceRequest req;
    if (!p.requested() ||
        !st.Load(Column::kState, keys::Request(pk.provider(), pk.reference()), req)) {
      return Reject(code::kNotRequested, "payment " + name + " has no invoice request");
    }
    const std::string t = req.request().title().SerializeAsString();
    if (payments.empty()) {
      buyer_title = t;
      buyer_hash = req.request().buyer_hash();
      title = req.request().title();
    } else if (t != buyer_title || req.request().buyer_hash() != buyer_hash) {
      return Reject(code::kBuyerMismatch, "the payments were requested by different buyers");
    }
    if (p.invoice_count() >= kMaxInvoicesPerPayment) {
      return Reject(code::kTooManyInvoices, "payment " + name + " already has 5 invoices");
    }
    int64_t after = p.invoiced_fen();
    if (!AddTo(after, a.amount_fen()) || after > p.attested().amount_fen()) {
      return Reject(code::kOverPayment, "invoicing " + Fen(a.amount_fen()).ToYuanString() +
                                            " would exceed payment " + name);
    }
    if (!AddTo(allocated, a.amount_fen())) return Overflow();
    p.set_invoiced_fen(after);
    p.set_invoice_count(p.invoice_count() + 1);
    payments.emplace_back(key, std::move(p));
    *inv.add_allocations() = a;
  }
  if (allocated != total) {
    return Reject(code::kTotalMismatch, "the invoice total " + Fen(total).ToYuanString() +
                                            " differs from the allocated " +
                                            Fen(allocated).ToYuanString());
  }

  // Quota (tax-inclusive blue totals per China-time month).
  const std::string month = Yyyymm(ChinaDate(st.ctx().timestamp_ms));
  const Bytes qkey = keys::QuotaUse(msg.vendor_id(), month);
  int64_t used = 0;
  if (auto raw = st.Get(Column::kState, qkey)) used = static_cast<int64_t>(ReadU64(*raw));
  if (!AddTo(used, total)) return Overflow();
  const int64_t limit = QuotaLimit(vendor, rules);
  if (limit > 0 && used > limit) {
    return Reject(code::kQuotaExceeded, "the vendor's monthly quota of " +
                                            Fen(limit).ToYuanString() + " would be exceeded");
  }
  Bytes qv;
  AppendU64(qv, static_cast<uint64_t>(used));
  st.Put(Column::kState, qkey, qv);

  inv.set_vendor_id(msg.vendor_id());
  inv.set_seller_name(vendor.info().name());
  *inv.mutable_seller_id() = vendor.info().taxpayer_id();
  inv.set_market(vendor.info().market());
  *inv.mutable_buyer() = title;
  inv.set_buyer_hash(buyer_hash);
  inv.set_pre_tax_fen(pre_tax);
  inv.set_tax_fen(tax);
  inv.set_total_fen(total);
  if (Status s = CommitInvoice(st, env.config, inv); !s.ok()) return s;
  for (auto& [key, p] : payments) {
    p.add_invoices(inv.number());
    st.Store(Column::kState, key, p);
  }
  st.Emit("invoice.issued", inv.number());
  return Status::Ok();
}

}  // namespace fapiao::contracts
