// The payment-day index (pd/ yyyymmdd u64 paid_ms u32 provider lp(ref)),
// written with the attestation: one entry per payment under the China-time day
// of its paid-at time, in paid-at order within a day; the same attestation
// again and a conflicting one under a used reference write none.
#include <catch2/catch.hpp>

#include "contracts/keys.h"
#include "tests/contracts/harness.h"

namespace fapiao::contracts::test {
namespace {

// "provider:reference@paid_ms" of each entry under the day's prefix, in key order.
std::vector<std::string> Day(const StateView& s, const std::string& yyyymmdd) {
  const Bytes prefix = keys::PaymentDayPrefix(yyyymmdd);
  std::vector<std::string> out;
  s.ScanPrefix(Column::kIndex, prefix, [&](ByteView k, ByteView v) {
    CHECK(v.empty());
    const uint64_t ms = ReadU64(k.substr(prefix.size(), 8));
    const uint32_t provider = ReadU32(k.substr(prefix.size() + 8, 4));
    const std::string ref(k.substr(prefix.size() + 16));
    CHECK(Bytes(k) == keys::PaymentDay(yyyymmdd, ms, provider, ref));
    out.push_back(std::to_string(provider) + ":" + ref + "@" + std::to_string(ms));
    return true;
  });
  return out;
}

// An attestation to v1 of 10.00 yuan paid at `paid_ms`.
pb::AttestPayment Payment(Chain& c, const std::string& ref, uint64_t paid_ms) {
  pb::AttestPayment msg;
  msg.set_vendor_id("v1");
  msg.set_amount_fen(1000);
  msg.set_paid_at_ms(paid_ms);
  msg.set_reference(ref);
  msg.set_claim_token_hash(
      c.hasher().Digest(Bytes("fapiao/claim/v1") + '\0' + ClaimToken(ref)).ToBytes());
  return msg;
}

}  // namespace

TEST_CASE("payments are indexed by the China-time day they were paid", "[contracts][index]") {
  Chain c;
  REQUIRE(c.Register("v1") == "ok");
  constexpr uint64_t kHour = 3600ULL * 1000;
  // kStartMs is 2026-11-20 10:00 China time; blocks run a day later.
  const uint64_t first = kStartMs;                    // 2026-11-20 10:00
  const uint64_t second = kStartMs + 14 * kHour - 1;  // 2026-11-20 23:59:59.999
  const uint64_t third = kStartMs + 14 * kHour;       // 2026-11-21 00:00
  c.Advance(24 * kHour);
  const auto pay = [&](uint32_t provider, const std::string& ref, uint64_t ms) {
    return c.Run(c.Tx(provider, TxKind::kAttestPayment, Payment(c, ref, ms)));
  };
  REQUIRE(pay(kPay, "p3", third) == "ok");
  REQUIRE(pay(kPay, "p2", second) == "ok");
  REQUIRE(pay(kPay, "p1", first) == "ok");
  REQUIRE(pay(kPay2, "p0", first) == "ok");  // same instant, another provider

  const auto at = [](uint32_t p, const std::string& ref, uint64_t ms) {
    return std::to_string(p) + ":" + ref + "@" + std::to_string(ms);
  };
  // Key order: paid-at time, then provider, then reference.
  CHECK(Day(c.state(), "20261120") == std::vector<std::string>{at(kPay, "p1", first),
                                                               at(kPay2, "p0", first),
                                                               at(kPay, "p2", second)});
  CHECK(Day(c.state(), "20261121") == std::vector<std::string>{at(kPay, "p3", third)});
  CHECK(Day(c.state(), "20261119").empty());

  // The same attestation again is idempotent and a conflicting one is refused:
  // neither adds an entry.
  REQUIRE(pay(kPay, "p3", third) == "ok");
  REQUIRE(pay(kPay, "p3", third - kHour) == "payment.conflicting_reference");
  CHECK(Day(c.state(), "20261121").size() == 1);
  CHECK(Day(c.state(), "20261120").size() == 3);
}

}  // namespace fapiao::contracts::test
