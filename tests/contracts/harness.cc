#include "tests/contracts/harness.h"

#include <functional>
#include <stdexcept>

#include "contracts/keys.h"
#include "contracts/taxpayer_id.h"

namespace fapiao::contracts::test {

std::string MakeUscc(uint32_t serial) {
  std::string s = std::to_string(serial);
  while (s.size() < 7) s.insert(0, "0");
  std::string first17 = "9253080000" + s;
  return first17 + *UsccCheckChar(first17);
}

Bytes ClaimToken(const std::string& ref) {
  return "claim-token-" + ref;
}

Chain::Chain(bool genesis) : suite_(CryptoSuite::Create(SuiteId::kEd25519Sha256)) {
  if (genesis) {
    const std::string r = Run(Tx(0, TxKind::kGenesis, StandardGenesis()));
    if (r != "ok") throw std::runtime_error("genesis failed: " + r);
  }
}

pb::Genesis Chain::StandardGenesis() const {
  pb::Genesis g;
  g.mutable_config()->set_chain_id(kChain);
  g.mutable_config()->set_province_code("53");
  g.mutable_config()->set_channel("1");
  const std::vector<std::pair<std::string, pb::Role>> members = {
      {"Yunnan tax bureau", pb::TAX_BUREAU},    {"Pu'er market operator", pb::MARKET_OPERATOR},
      {"Pay provider", pb::PAYMENT_PROVIDER},   {"Reimbursement A", pb::REIMBURSING_ORG},
      {"Reimbursement B", pb::REIMBURSING_ORG}, {"Second operator", pb::MARKET_OPERATOR},
      {"Second provider", pb::PAYMENT_PROVIDER}};
  for (size_t i = 0; i < members.size(); ++i) {
    pb::Member* m = g.add_members();
    m->set_index(static_cast<uint32_t>(i));
    m->set_name(members[i].first);
    m->set_role(members[i].second);
  }
  g.mutable_members(kOp)->add_markets("M1");
  g.mutable_members(kOp2)->add_markets("M2");
  for (int64_t r : {1300, 900, 600, 500, 300, 100, 0}) g.mutable_rules()->add_allowed_rates_bp(r);
  for (int64_t r : {500, 300}) g.mutable_rules()->add_small_scale_rates_bp(r);
  // DOMAIN.md: small-scale 3%, reduced to 1% until 2027-12-31.
  auto* reduced = g.mutable_rules()->add_small_scale_timed_rates();
  reduced->set_rate_bp(100);
  reduced->set_until_yyyymmdd("20271231");
  return g;
}

pb::Transaction Chain::Tx(uint32_t member, TxKind kind,
                          const google::protobuf::MessageLite& payload) {
  pb::Transaction tx;
  tx.set_chain_id(kChain);
  tx.set_kind(static_cast<uint32_t>(kind));
  tx.set_payload(payload.SerializeAsString());
  tx.set_member(member);
  tx.set_sequence(++seq_[member]);
  return tx;
}

std::vector<std::string> Chain::Block(const std::vector<pb::Transaction>& txs, Hash* root) {
  BlockContext ctx{Height{height_}, now_ms_, &suite_->hasher()};
  BlockResult res = ExecuteBlock(state_, txs, ctx);
  for (const auto& [k, v] : res.writes.ops()) {
    if (!v.has_value()) ++deletes_;
  }
  state_.Apply(res.writes);
  ++height_;
  now_ms_ += 1000;
  if (root) *root = res.result_root;
  std::vector<std::string> out;
  for (const auto& r : res.receipts) out.push_back(r.accepted() ? "ok" : r.code());
  return out;
}

std::string Chain::Register(const std::string& vendor, uint32_t as, const std::string& market,
                            pb::TaxpayerType type) {
  pb::RegisterVendor msg;
  auto* info = msg.mutable_info();
  info->set_vendor_id(vendor);
  info->set_name("Stall " + vendor);
  info->mutable_taxpayer_id()->set_kind(pb::USCC);
  info->mutable_taxpayer_id()->set_value(
      MakeUscc(static_cast<uint32_t>(std::hash<std::string>{}(vendor) % 9999999)));
  info->set_market(market);
  info->set_stall("A-" + vendor);
  info->set_taxpayer_type(type);
  auto* d = info->add_defaults();
  d->set_item_class("vegetables");
  d->mutable_treatment()->set_treatment(pb::EXEMPT);
  d->mutable_treatment()->set_policy_code("VEG-RETAIL");
  return Run(Tx(as, TxKind::kRegisterVendor, msg));
}

std::string Chain::Pay(const std::string& ref, const std::string& vendor, int64_t fen,
                       uint32_t as) {
  pb::AttestPayment msg;
  msg.set_vendor_id(vendor);
  msg.set_amount_fen(fen);
  msg.set_paid_at_ms(now_ms_ - 1000);
  msg.set_reference(ref);
  msg.set_claim_token_hash(
      hasher().Digest(Bytes("fapiao/claim/v1") + '\0' + ClaimToken(ref)).ToBytes());
  return Run(Tx(as, TxKind::kAttestPayment, msg));
}

Bytes Chain::BuyerHash(const std::string& buyer) {
  Bytes h = "buyer:" + buyer;
  h.resize(32, '.');
  return h;
}

Bytes Chain::AuthHash(const std::string& buyer, uint64_t step) const {
  const Bytes secret = "secret/" + buyer + "/" + std::to_string(step);
  return hasher().Digest(Bytes("fapiao/buyer/v1") + '\0' + secret).ToBytes();
}

std::string Chain::Request(const std::string& ref, const std::string& buyer, uint32_t provider,
                           const std::string& org_id) {
  pb::RequestInvoice msg;
  msg.mutable_payment()->set_provider(provider);
  msg.mutable_payment()->set_reference(ref);
  msg.set_claim_token(ClaimToken(ref));
  if (org_id.empty()) {
    msg.mutable_title()->set_type(pb::INDIVIDUAL);
    msg.mutable_title()->set_name_commitment(BuyerHash("name-of-" + buyer));
  } else {
    msg.mutable_title()->set_type(pb::ORGANISATION);
    msg.mutable_title()->set_org_name("Org of " + buyer);
    msg.mutable_title()->mutable_org_taxpayer_id()->set_kind(pb::USCC);
    msg.mutable_title()->mutable_org_taxpayer_id()->set_value(org_id);
  }
  msg.set_buyer_hash(BuyerHash(buyer));
  msg.set_buyer_auth_hash(AuthHash(buyer, buyer_step_[buyer]));
  return Run(Tx(kOp, TxKind::kRequestInvoice, msg));
}

pb::IssueInvoice Chain::IssueMsg(const std::string& vendor,
                                 const std::vector<std::pair<std::string, int64_t>>& alloc,
                                 const std::vector<LineSpec>& lines, uint32_t provider) {
  pb::IssueInvoice msg;
  msg.set_vendor_id(vendor);
  for (const auto& [ref, fen] : alloc) {
    auto* a = msg.add_allocations();
    a->mutable_payment()->set_provider(provider);
    a->mutable_payment()->set_reference(ref);
    a->set_amount_fen(fen);
  }
  for (const auto& l : lines) {
    auto* in = msg.add_lines();
    in->set_item_class(l.item_class);
    in->set_name("item");
    in->set_amount_fen(l.fen);
    in->set_quantity(l.qty);
    in->set_unit_price(l.price);
    in->mutable_treatment()->set_rate_bp(l.rate_bp);
    in->mutable_treatment()->set_treatment(l.treatment);
    in->mutable_treatment()->set_policy_code(l.policy);
  }
  return msg;
}

std::string Chain::Issue(const pb::IssueInvoice& msg, std::string* number, uint32_t as) {
  const std::string r = Run(Tx(as, TxKind::kIssueInvoice, msg));
  if (r == "ok" && number) {
    // The newest invoice of the vendor is the last vendor+time index entry.
    state_.ScanPrefix(Column::kIndex, keys::VendorTimePrefix(msg.vendor_id()),
                      [&](ByteView k, ByteView) {
                        *number = std::string(k.substr(k.size() - 20));
                        return true;
                      });
  }
  return r;
}

std::string Chain::IssueSimple(const std::string& vendor, const std::string& ref,
                               int64_t pre_tax_fen, std::string* number) {
  const int64_t tax = TaxHalfUp(Fen(pre_tax_fen), 300)->value();
  return Issue(IssueMsg(vendor, {{ref, pre_tax_fen + tax}}, {LineSpec{pre_tax_fen}}), number);
}

std::string Chain::Mark(uint32_t org,
                        const std::vector<std::pair<std::string, pb::MarkAction>>& marks) {
  pb::ReimbursementMarks msg;
  for (const auto& [n, a] : marks) {
    auto* m = msg.add_marks();
    m->set_invoice_number(n);
    m->set_action(a);
  }
  return Run(Tx(org, TxKind::kReimbursementMarks, msg));
}

pb::BuyerAuth Chain::BuyerNext(const std::string& buyer, bool wrong) {
  const uint64_t step = buyer_step_[buyer];
  pb::BuyerAuth a;
  a.set_secret("secret/" + buyer + "/" + std::to_string(wrong ? step + 7 : step));
  a.set_next_auth_hash(AuthHash(buyer, step + 1));
  return a;
}

std::string Chain::Open(const std::string& blue, pb::Party opener, uint32_t reason, bool full,
                        const std::vector<std::pair<uint32_t, int64_t>>& lines, std::string* form,
                        const std::string& buyer, uint32_t as) {
  pb::OpenRedLetterForm msg;
  msg.set_blue_number(blue);
  msg.set_opener(opener);
  msg.set_reason(reason);
  msg.set_full(full);
  for (const auto& [i, fen] : lines) {
    auto* l = msg.add_lines();
    l->set_line(i);
    l->set_amount_fen(fen);
  }
  if (opener == pb::BUYER) *msg.mutable_buyer() = BuyerNext(buyer);
  const std::string r = Run(Tx(as, TxKind::kOpenRedLetterForm, msg));
  if (r == "ok") {
    if (opener == pb::BUYER) BuyerAccepted(buyer);
    if (form) *form = LastFormId(blue);
  }
  return r;
}

std::string Chain::FormAct(TxKind kind, const std::string& form, pb::Party party,
                           const std::string& buyer, uint32_t as, bool wrong_secret) {
  pb::FormAction msg;
  msg.set_form_id(form);
  if (party == pb::BUYER) *msg.mutable_buyer() = BuyerNext(buyer, wrong_secret);
  const std::string r = Run(Tx(as, kind, msg));
  if (r == "ok" && party == pb::BUYER) BuyerAccepted(buyer);
  return r;
}

std::string Chain::LastFormId(const std::string& blue) const {
  auto raw = state_.Get(Column::kState, keys::FormCounter(blue));
  if (!raw) return "";
  return blue + "-" + std::to_string(ReadU64(*raw));
}

std::optional<pb::Invoice> Chain::Invoice(const std::string& number) const {
  auto raw = state_.Get(Column::kState, keys::Invoice(number));
  if (!raw) return std::nullopt;
  pb::Invoice inv;
  inv.ParseFromString(*raw);
  return inv;
}

std::optional<pb::Payment> Chain::Payment(uint32_t provider, const std::string& ref) const {
  auto raw = state_.Get(Column::kState, keys::Payment(provider, ref));
  if (!raw) return std::nullopt;
  pb::Payment p;
  p.ParseFromString(*raw);
  return p;
}

std::optional<pb::RedLetterForm> Chain::Form(const std::string& id) const {
  auto raw = state_.Get(Column::kState, keys::Form(id));
  if (!raw) return std::nullopt;
  pb::RedLetterForm f;
  f.ParseFromString(*raw);
  return f;
}

}  // namespace fapiao::contracts::test
