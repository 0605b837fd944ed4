// Unit tests of the contract building blocks and of rules that the scenario
// vectors do not express: genesis and roles, invoice numbers (format, gap-free
// per year and province, assigned at execution), check codes, privacy of buyer
// data, envelope checks, calendar, decimals.
#include <catch2/catch.hpp>

#include <algorithm>

#include "contracts/calendar.h"
#include "contracts/codes.h"
#include "contracts/decimal.h"
#include "contracts/keys.h"
#include "tests/contracts/harness.h"

namespace fapiao::contracts::test {

TEST_CASE("genesis: once, at height 0, with a tax bureau", "[contracts][genesis]") {
  Chain fresh(false);
  pb::Genesis g = fresh.StandardGenesis();

  SECTION("nothing before genesis") {
    pb::RegisterVendor v;
    CHECK(fresh.Run(fresh.Tx(kOp, TxKind::kRegisterVendor, v)) == code::kNoGenesis);
  }
  SECTION("a consortium without the tax bureau is refused") {
    g.mutable_members(kTax)->set_role(pb::PAYMENT_PROVIDER);
    CHECK(fresh.Run(fresh.Tx(0, TxKind::kGenesis, g)) == code::kGenesisInvalid);
  }
  SECTION("bad province, channel, member order, shared market, chain id") {
    auto run = [](const pb::Genesis& bad) {
      Chain c(false);
      return c.Run(c.Tx(0, TxKind::kGenesis, bad));
    };
    pb::Genesis bad = g;
    bad.mutable_config()->set_province_code("5");
    CHECK(run(bad) == code::kGenesisInvalid);
    bad = g;
    bad.mutable_config()->set_channel("x");
    CHECK(run(bad) == code::kGenesisInvalid);
    bad = g;
    bad.mutable_members(1)->set_index(7);
    CHECK(run(bad) == code::kGenesisInvalid);
    bad = g;
    bad.mutable_members(kOp2)->add_markets("M1");
    CHECK(run(bad) == code::kGenesisInvalid);
    bad = g;
    bad.mutable_config()->set_chain_id("other");
    CHECK(run(bad) == code::kGenesisInvalid);
    bad = g;
    bad.mutable_rules()->add_small_scale_rates_bp(1100);
    CHECK(run(bad) == code::kRulesInvalid);
    CHECK(run(g) == "ok");
  }
  SECTION("genesis after height 0 is refused") {
    fresh.Block({});
    CHECK(fresh.Run(fresh.Tx(0, TxKind::kGenesis, g)) == code::kGenesisNotAtZero);
  }
  SECTION("a second genesis is refused") {
    REQUIRE(fresh.Run(fresh.Tx(0, TxKind::kGenesis, g)) == "ok");
    CHECK(fresh.Run(fresh.Tx(0, TxKind::kGenesis, g)) == code::kGenesisExists);
  }
}

TEST_CASE("envelope: chain id, member, kind, payload", "[contracts][envelope]") {
  Chain c;
  pb::Transaction tx = c.Tx(kTax, TxKind::kRaiseFlag, pb::RaiseFlag());
  tx.set_chain_id("another-chain");
  CHECK(c.Run(tx) == code::kWrongChain);
  tx = c.Tx(99, TxKind::kRaiseFlag, pb::RaiseFlag());
  CHECK(c.Run(tx) == code::kUnknownMember);
  tx = c.Tx(kTax, static_cast<TxKind>(77), pb::RaiseFlag());
  CHECK(c.Run(tx) == code::kUnknownKind);
  tx = c.Tx(kTax, TxKind::kRaiseFlag, pb::RaiseFlag());
  tx.set_payload("\xff\xff\xff");
  CHECK(c.Run(tx) == code::kBadPayload);
}

TEST_CASE("executor: (member, sequence) executes at most once", "[contracts][executor]") {
  Chain c;
  REQUIRE(c.Register("v1") == "ok");
  pb::AttestPayment p;
  p.set_vendor_id("v1");
  p.set_amount_fen(100);
  p.set_paid_at_ms(c.now());
  p.set_reference("r1");
  p.set_claim_token_hash(std::string(32, 'x'));
  pb::Transaction tx = c.Tx(kPay, TxKind::kAttestPayment, p);
  pb::Transaction conflicting = tx;  // same (member, sequence), other content
  pb::AttestPayment p2 = p;
  p2.set_amount_fen(200);
  conflicting.set_payload(p2.SerializeAsString());
  auto r = c.Block({tx, tx, conflicting});
  CHECK(r == std::vector<std::string>{"ok", code::kDuplicate, code::kDuplicate});
  CHECK(c.Run(tx) == code::kDuplicate);  // also across blocks
  // A rejected transaction changes no contract state.
  pb::Transaction bad = c.Tx(kPay, TxKind::kAttestPayment, p2);
  CHECK(c.Run(bad) == code::kPaymentConflict);
  CHECK(c.Payment(kPay, "r1")->attested().amount_fen() == 100);
}

TEST_CASE("executor: exactly-once markers are packed, one key per 1,024 sequences",
          "[contracts][executor]") {
  Chain c;
  const auto heartbeat = [&](uint32_t member, uint64_t sequence) {
    pb::Transaction tx = c.Tx(member, TxKind::kHeartbeat, pb::RaiseFlag());
    tx.set_sequence(sequence);
    return tx;
  };
  const auto seen_keys = [&] {
    size_t n = 0;
    c.state().ScanPrefix(Column::kState, "seen/", [&](ByteView, ByteView) {
      ++n;
      return true;
    });
    return n;
  };
  const size_t before = seen_keys();
  // A block of 1,000 consecutive sequences from one member: one or two keys, not 1,000.
  std::vector<pb::Transaction> block;
  for (uint64_t s = 1'000'000; s < 1'001'000; ++s) block.push_back(heartbeat(kTax, s));
  const auto r = c.Block(block);
  CHECK(std::count(r.begin(), r.end(), "ok") == 1000);
  CHECK(seen_keys() - before <= 2);
  // Each of them is consumed, in this block and later ones; neighbours are not.
  CHECK(c.Run(heartbeat(kTax, 1'000'000)) == code::kDuplicate);
  CHECK(c.Run(heartbeat(kTax, 1'000'999)) == code::kDuplicate);
  CHECK(c.Run(heartbeat(kTax, 999'999)) == "ok");
  CHECK(c.Run(heartbeat(kTax, 1'001'000)) == "ok");
  // Both sides of a key boundary, another member's same sequence, and far-apart sequences.
  for (uint64_t s : {1023ULL, 1024ULL, (1ULL << 40) + 5, ~0ULL}) {
    CHECK(c.Run(heartbeat(kOp, s)) == "ok");
    CHECK(c.Run(heartbeat(kOp, s)) == code::kDuplicate);
    CHECK(c.Run(heartbeat(kPay, s)) == "ok");
  }
  CHECK(c.Run(heartbeat(kOp, 1022)) == "ok");
  CHECK(c.Run(heartbeat(kOp, 1025)) == "ok");
}

TEST_CASE("executor: one effect per (member, idempotency key)", "[contracts][executor]") {
  Chain c;
  REQUIRE(c.Register("v1") == "ok");
  const auto pay = [&](const std::string& ref, const std::string& key, const std::string& req) {
    pb::AttestPayment p;
    p.set_vendor_id("v1");
    p.set_amount_fen(100);
    p.set_paid_at_ms(c.now());
    p.set_reference(ref);
    p.set_claim_token_hash(std::string(32, 'x'));
    pb::Transaction tx = c.Tx(kPay, TxKind::kAttestPayment, p);
    tx.set_idempotency_key(key);
    tx.set_request_hash(req);
    return tx;
  };
  // Two retries racing into one block, and a third in a later block: one effect.
  auto r = c.Block({pay("r1", "k1", "h1"), pay("r2", "k1", "h1")});
  CHECK(r == std::vector<std::string>{"ok", code::kIdempotentRepeat});
  CHECK(c.Run(pay("r3", "k1", "h1")) == code::kIdempotentRepeat);
  CHECK(c.Payment(kPay, "r1"));
  CHECK_FALSE(c.Payment(kPay, "r2"));
  CHECK_FALSE(c.Payment(kPay, "r3"));
  // The key used for another request is refused, and changes nothing.
  CHECK(c.Run(pay("r4", "k1", "other")) == code::kIdempotencyKeyReused);
  CHECK_FALSE(c.Payment(kPay, "r4"));
  // Keys are per member: another member's k1 is its own.
  pb::Transaction vendor = c.Tx(kOp, TxKind::kRegisterVendor, pb::RegisterVendor());
  vendor.set_idempotency_key("k1");
  vendor.set_request_hash("h1");
  CHECK(c.Run(vendor) != code::kIdempotentRepeat);
  // The record is the first outcome, rejected or not.
  pb::IdempotencyRecord rec;
  REQUIRE(rec.ParseFromString(*c.state().Get(Column::kState, keys::Idempotency(kPay, "k1"))));
  CHECK(rec.accepted());
  CHECK(rec.request_hash() == "h1");
  CHECK(rec.events_size() == 1);
  // Malformed: a key over 64 bytes, or a request hash without a key.
  CHECK(c.Run(pay("r5", std::string(65, 'k'), "h")) == code::kBadIdempotencyKey);
  CHECK(c.Run(pay("r6", "", "h")) == code::kBadIdempotencyKey);
  CHECK_FALSE(c.Payment(kPay, "r5"));
}

TEST_CASE("invoice numbers: 20 digits, gap-free per (year, province), red shares them",
          "[contracts][numbers]") {
  Chain c;
  REQUIRE(c.Register("v1") == "ok");
  REQUIRE(c.Pay("p1", "v1", 1000000) == "ok");
  REQUIRE(c.Request("p1", "b1") == "ok");
  std::string n1, n2, n3;
  REQUIRE(c.IssueSimple("v1", "p1", 100, &n1) == "ok");
  // A rejected issuance consumes no number.
  CHECK(c.Issue(c.IssueMsg("v1", {{"p1", 1}}, {LineSpec{100}}), nullptr) == code::kTotalMismatch);
  REQUIRE(c.IssueSimple("v1", "p1", 100, &n2) == "ok");
  CHECK(n1 == "26531000000000000001");
  CHECK(n2 == "26531000000000000002");
  std::string form;
  REQUIRE(c.Open(n2, pb::SELLER, 1, true, {}, &form) == "ok");
  CHECK(c.Invoice(n2)->red_numbers(0) == "26531000000000000003");
  // New year (China time): a new sequence.
  c.Advance(42ULL * 24 * 3600 * 1000);
  REQUIRE(c.Pay("p2", "v1", 1000000) == "ok");
  REQUIRE(c.Request("p2", "b1") == "ok");
  REQUIRE(c.IssueSimple("v1", "p2", 100, &n3) == "ok");
  CHECK(n3 == "27531000000000000001");
  const auto inv = c.Invoice(n1);
  CHECK(inv->check_code().size() == 20);
  CHECK(inv->date() == "20261120");
  CHECK(inv->check_code() != c.Invoice(n2)->check_code());
}

TEST_CASE("the caller cannot choose the number", "[contracts][numbers]") {
  // IssueInvoice has no number field: assert the payload schema keeps it so.
  const auto* d = pb::IssueInvoice::descriptor();
  for (int i = 0; i < d->field_count(); ++i) CHECK(d->field(i)->name() != "number");
}

TEST_CASE("buyer personal data only as a salted hash", "[contracts][privacy]") {
  Chain c;
  REQUIRE(c.Register("v1") == "ok");
  REQUIRE(c.Pay("p1", "v1", 100) == "ok");
  pb::RequestInvoice msg;
  msg.mutable_payment()->set_provider(kPay);
  msg.mutable_payment()->set_reference("p1");
  msg.set_claim_token(ClaimToken("p1"));
  msg.set_buyer_hash(Chain::BuyerHash("b1"));
  msg.set_buyer_auth_hash(c.AuthHash("b1", 0));
  msg.mutable_title()->set_type(pb::INDIVIDUAL);
  SECTION("an individual's name in clear is refused") {
    msg.mutable_title()->set_name_commitment(std::string(32, 'c'));
    msg.mutable_title()->set_org_name("Zhang San");
    CHECK(c.Run(c.Tx(kOp, TxKind::kRequestInvoice, msg)) == code::kTitleInvalid);
  }
  SECTION("a personal id number as the title's taxpayer id is refused") {
    msg.mutable_title()->set_type(pb::ORGANISATION);
    msg.mutable_title()->set_org_name("Zhang San");
    msg.mutable_title()->mutable_org_taxpayer_id()->set_kind(pb::RESIDENT_ID);
    msg.mutable_title()->mutable_org_taxpayer_id()->set_value("11010519491231002X");
    CHECK(c.Run(c.Tx(kOp, TxKind::kRequestInvoice, msg)) == code::kTitleInvalid);
  }
  SECTION("the commitment must be a 32-byte hash") {
    msg.mutable_title()->set_name_commitment("Zhang San");
    CHECK(c.Run(c.Tx(kOp, TxKind::kRequestInvoice, msg)) == code::kTitleInvalid);
  }
  SECTION("the claim token preimage is not stored") {
    msg.mutable_title()->set_name_commitment(std::string(32, 'c'));
    REQUIRE(c.Run(c.Tx(kOp, TxKind::kRequestInvoice, msg)) == "ok");
    auto raw = c.state().Get(Column::kState, keys::Request(kPay, "p1"));
    REQUIRE(raw);
    CHECK(raw->find(ClaimToken("p1")) == std::string::npos);
  }
}

TEST_CASE("calendar in China Standard Time", "[contracts][calendar]") {
  // 2026-12-31 16:00 UTC is 2027-01-01 00:00 in China.
  const uint64_t ms = 1798732800000ULL;
  CHECK(Yyyymmdd(ChinaDate(ms)) == "20270101");
  CHECK(Yyyymmdd(ChinaDate(ms - 1)) == "20261231");
  CHECK(Yyyymmdd(ChinaDate(0)) == "19700101");
  CHECK(Yyyymmdd(ChinaDate(951782400000ULL)) == "20000229");  // 2000-02-29 08:00 CST
  CHECK(Yy(ChinaDate(ms)) == "27");
  CHECK(Yyyymm(ChinaDate(ms)) == "202701");
}

TEST_CASE("decimals: exact, bounded, no floating point", "[contracts][decimal]") {
  CHECK(ParseDecimal("12")->mantissa == 12);
  CHECK(ParseDecimal("0.5")->scale == 1);
  CHECK(ParseDecimal("1.1234567890123"));
  CHECK_FALSE(ParseDecimal("1.12345678901234"));
  CHECK_FALSE(ParseDecimal("-1"));
  CHECK_FALSE(ParseDecimal("1e3"));
  CHECK_FALSE(ParseDecimal(".5"));
  CHECK_FALSE(ParseDecimal("5."));
  CHECK_FALSE(ParseDecimal("1234567890123456789"));
  CHECK(ExtendedFen(*ParseDecimal("3"), *ParseDecimal("1.2345"))->value() == 370);
  CHECK(ExtendedFen(*ParseDecimal("0.5"), *ParseDecimal("0.01"))->value() == 1);  // 0.5 fen up
  CHECK(ExtendedFen(*ParseDecimal("999999999999999999"), *ParseDecimal("999999999999999999")) ==
        std::nullopt);
}

}  // namespace fapiao::contracts::test
