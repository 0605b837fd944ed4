// The life of a sale end to end, checking the indexes and aggregates written
// with it: vendor+time, market+time, payment -> invoices, buyer -> invoices,
// reimbursing org -> invoices, per-vendor and per-market per-day totals.
#include <catch2/catch.hpp>

#include "contracts/codes.h"
#include "contracts/keys.h"
#include "tests/contracts/harness.h"

namespace fapiao::contracts::test {
namespace {

std::vector<std::string> Scan(const StateView& s, const Bytes& prefix) {
  std::vector<std::string> out;
  s.ScanPrefix(Column::kIndex, prefix, [&](ByteView k, ByteView) {
    out.emplace_back(k.substr(k.size() - 20));
    return true;
  });
  return out;
}

pb::DayAggregate Agg(const StateView& s, const Bytes& key) {
  pb::DayAggregate a;
  if (auto raw = s.Get(Column::kIndex, key)) a.ParseFromString(*raw);
  return a;
}

}  // namespace

TEST_CASE("a sale from payment to red invoice, with its indexes", "[contracts][flow]") {
  Chain c;
  REQUIRE(c.Register("v1") == "ok");
  REQUIRE(c.Register("v2") == "ok");
  REQUIRE(c.Pay("p1", "v1", 30000) == "ok");
  REQUIRE(c.Pay("p2", "v2", 10300) == "ok");
  REQUIRE(c.Request("p1", "alice") == "ok");
  REQUIRE(c.Request("p2", "alice") == "ok");
  std::string a, b, d;
  REQUIRE(c.Issue(c.IssueMsg("v1", {{"p1", 15300}},
                             {LineSpec{10000}, LineSpec{5000, 0, pb::EXEMPT, "VEG"}}),
                  &a) == "ok");
  REQUIRE(c.IssueSimple("v1", "p1", 10000, &b) == "ok");
  REQUIRE(c.IssueSimple("v2", "p2", 10000, &d) == "ok");

  const auto& s = c.state();
  CHECK(Scan(s, keys::VendorTimePrefix("v1")) == std::vector<std::string>{a, b});
  CHECK(Scan(s, keys::MarketTimePrefix("M1")) == std::vector<std::string>{a, b, d});
  CHECK(Scan(s, keys::PaymentInvoicePrefix(kPay, "p1")) == std::vector<std::string>{a, b});
  // A time index entry carries the invoice's search fields: kind, total, seller id and
  // each line's rate and treatment (a search rules invoices out without reading them).
  for (const Bytes& prefix : {keys::VendorTimePrefix("v1"), keys::MarketTimePrefix("M1")}) {
    s.ScanPrefix(Column::kIndex, prefix, [&](ByteView k, ByteView v) {
      const auto inv = c.Invoice(std::string(k.substr(k.size() - 20)));
      REQUIRE(inv);
      pb::IndexedInvoice e;
      REQUIRE(e.ParseFromArray(v.data(), static_cast<int>(v.size())));
      CHECK(e.kind() == pb::BLUE);
      CHECK(e.total_fen() == inv->total_fen());
      CHECK(e.seller_id() == inv->seller_id().value());
      REQUIRE(e.line_rate_bp_size() == inv->lines_size());
      for (int i = 0; i < inv->lines_size(); ++i) {
        CHECK(e.line_rate_bp(i) == inv->lines(i).input().treatment().rate_bp());
        CHECK(e.line_treatment(i) == inv->lines(i).input().treatment().treatment());
      }
      return true;
    });
  }
  {
    pb::IndexedInvoice e;
    REQUIRE(e.ParseFromString(
        *s.Get(Column::kIndex, keys::VendorTime("v1", c.Invoice(a)->issued_at_ms(), a))));
    CHECK(e.line_treatment_size() == 2);
    CHECK(e.line_treatment(1) == pb::EXEMPT);
  }
  CHECK(Scan(s, keys::BuyerInvoicePrefix(Chain::BuyerHash("alice"))) ==
        std::vector<std::string>{a, b, d});

  REQUIRE(c.Mark(kOrgA, {{a, pb::LOCK}, {d, pb::LOCK}}) == "ok");
  REQUIRE(c.Mark(kOrgA, {{a, pb::UNLOCK}}) == "ok");
  std::vector<std::string> org;
  s.ScanPrefix(Column::kIndex, keys::OrgInvoicePrefix(kOrgA), [&](ByteView k, ByteView v) {
    org.emplace_back(std::string(k.substr(k.size() - 20)) + ":" + std::to_string(v[0]));
    return true;
  });
  CHECK(org == std::vector<std::string>{a + ":0", d + ":1"});

  // Partial red on line 0 of a, confirmed by the buyer (the invoice was used).
  std::string form;
  REQUIRE(c.Open(a, pb::SELLER, 2, false, {{0, 4000}}, &form) == "ok");
  REQUIRE(c.FormAct(TxKind::kConfirmRedLetterForm, form, pb::BUYER, "alice") == "ok");
  const auto blue = c.Invoice(a);
  REQUIRE(blue->red_numbers_size() == 1);
  const auto red = c.Invoice(blue->red_numbers(0));
  CHECK(red->kind() == pb::RED);
  CHECK(red->total_fen() == -4120);
  CHECK(red->tax_fen() == -120);
  CHECK(red->total_words() == "（负数）肆拾壹圆贰角整");
  CHECK(Scan(s, keys::VendorTimePrefix("v1")).size() == 3);

  const pb::DayAggregate v1 = Agg(s, keys::VendorDay("v1", "20261120"));
  CHECK(v1.blue_total_fen() == 15300 + 10300);
  CHECK(v1.blue_tax_fen() == 600);
  CHECK(v1.red_total_fen() == -4120);
  CHECK(v1.red_tax_fen() == -120);
  CHECK(v1.net_total_fen() == 15300 + 10300 - 4120);
  CHECK(v1.blue_count() == 2);
  CHECK(v1.red_count() == 1);
  REQUIRE(v1.by_rate_size() == 2);
  CHECK(v1.by_rate(0).rate_bp() == 0);
  CHECK(v1.by_rate(0).treatment() == pb::EXEMPT);
  CHECK(v1.by_rate(0).amount_fen() == 5000);
  CHECK(v1.by_rate(1).rate_bp() == 300);
  CHECK(v1.by_rate(1).amount_fen() == 20000 - 4000);
  CHECK(v1.by_rate(1).tax_fen() == 600 - 120);
  const pb::DayAggregate m1 = Agg(s, keys::MarketDay("M1", "20261120"));
  CHECK(m1.net_total_fen() == v1.net_total_fen() + 10300);
}

TEST_CASE("payment attestation returns the original on a repeat", "[contracts][flow]") {
  Chain c;
  REQUIRE(c.Register("v1") == "ok");
  pb::AttestPayment p;
  p.set_vendor_id("v1");
  p.set_amount_fen(100);
  p.set_paid_at_ms(c.now());
  p.set_reference("r1");
  p.set_claim_token_hash(std::string(32, 'x'));
  BlockContext ctx{Height{5}, c.now(), &c.hasher()};
  auto first = Apply(c.state(), c.Tx(kPay, TxKind::kAttestPayment, p), ctx);
  REQUIRE(first.ok());
  c.state().Apply(first->writes);
  auto again = Apply(c.state(), c.Tx(kPay, TxKind::kAttestPayment, p), ctx);
  REQUIRE(again.ok());
  CHECK(again->writes.empty());
  CHECK(again->events == std::vector<Event>{{"payment.duplicate", "2:r1"}});
}

}  // namespace fapiao::contracts::test

namespace fapiao::contracts::test {

TEST_CASE("a heartbeat from any member is accepted once and changes no contract state",
          "[contracts][heartbeat]") {
  Chain c;
  pb::RaiseFlag unused;  // any payload parses: a heartbeat carries opaque bytes
  MemState before = c.state();
  for (uint32_t m : {kTax, kOp, kPay, kOrgA}) {
    pb::Transaction tx = c.Tx(m, TxKind::kHeartbeat, unused);
    tx.set_payload("probe");
    REQUIRE(c.Block({tx}) == std::vector<std::string>{"ok"});
    // The same (member, sequence) again is a duplicate, never executed twice.
    CHECK(c.Block({tx}) == std::vector<std::string>{"tx.duplicate"});
  }
  // Only the exactly-once records were written: no vendor, payment or invoice keys.
  size_t added = 0;
  c.state().ScanPrefix(Column::kState, "", [&](ByteView k, ByteView) {
    if (!before.Get(Column::kState, k)) ++added;
    return true;
  });
  CHECK(added <= 4);
}

}  // namespace fapiao::contracts::test

namespace fapiao::contracts::test {

TEST_CASE("the mempool's role pre-check agrees with the contracts", "[contracts][roles]") {
  // Kinds whose handlers check the sender's role first: a member the admission
  // table refuses is refused by the contract with tx.forbidden_role, and a member
  // it admits is not refused for its role.
  const std::vector<std::pair<uint32_t, pb::Role>> members{{kTax, pb::TAX_BUREAU},
                                                           {kOp, pb::MARKET_OPERATOR},
                                                           {kPay, pb::PAYMENT_PROVIDER},
                                                           {kOrgA, pb::REIMBURSING_ORG}};
  for (TxKind kind : {TxKind::kSetTaxRules, TxKind::kSetVendorQuota, TxKind::kRaiseFlag,
                      TxKind::kRecordOfficerQuery, TxKind::kUpdateVendor, TxKind::kSetVendorStatus,
                      TxKind::kAttestPayment, TxKind::kIssueInvoice, TxKind::kReimbursementMarks}) {
    for (const auto& [member, role] : members) {
      INFO("kind " << KindName(static_cast<uint32_t>(kind)) << " role " << pb::Role_Name(role));
      Chain c;
      pb::RaiseFlag empty;
      const std::string got = c.Run(c.Tx(member, kind, empty));
      if (KindAllowedForRole(static_cast<uint32_t>(kind), role)) {
        CHECK(got != code::kForbidden);
      } else {
        CHECK(got == code::kForbidden);
      }
    }
  }
  CHECK_FALSE(KindAllowedForRole(static_cast<uint32_t>(TxKind::kGenesis), pb::TAX_BUREAU));
  CHECK_FALSE(KindAllowedForRole(999, pb::TAX_BUREAU));
  CHECK(KindAllowedForRole(static_cast<uint32_t>(TxKind::kRequestInvoice), pb::PAYMENT_PROVIDER));
}

}  // namespace fapiao::contracts::test
