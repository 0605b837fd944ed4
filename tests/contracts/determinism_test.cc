// Determinism: the same blocks executed on two fresh stores give identical
// result roots block by block and identical final state.
#include <catch2/catch.hpp>

#include "tests/contracts/random_driver.h"

namespace fapiao::contracts::test {

TEST_CASE("same blocks, two fresh stores, identical result roots", "[contracts][determinism]") {
  const uint64_t seed = 77;
  CAPTURE(seed);
  Chain a, b;
  RandomDriver d(a, seed);
  for (int i = 0; i < 150; ++i) d.Step();
  // Replay a's recorded blocks on b and on a third chain, comparing roots.
  Chain e;
  for (const auto& blk : d.recorded()) {
    b.SetNow(blk.time_ms);
    e.SetNow(blk.time_ms);
    Hash rb, re;
    const auto codes_b = b.Block(blk.txs, &rb);
    const auto codes_e = e.Block(blk.txs, &re);
    REQUIRE(rb == re);
    REQUIRE(codes_b == codes_e);
  }
  // b replayed exactly what a executed: same state.
  std::vector<std::pair<Bytes, Bytes>> sa, sb;
  for (Column col : {Column::kState, Column::kIndex}) {
    a.state().ScanPrefix(col, "", [&](ByteView k, ByteView v) {
      sa.emplace_back(Bytes(k), Bytes(v));
      return true;
    });
    b.state().ScanPrefix(col, "", [&](ByteView k, ByteView v) {
      sb.emplace_back(Bytes(k), Bytes(v));
      return true;
    });
  }
  CHECK(sa.size() > 100);
  CHECK(sa == sb);
}

TEST_CASE("the result root covers receipts and writes", "[contracts][determinism]") {
  Chain a, b;
  REQUIRE(a.Register("v1") == "ok");
  REQUIRE(b.Register("v2") == "ok");
  Hash ra, rb;
  a.Block({}, &ra);
  b.Block({}, &rb);
  CHECK(ra == rb);  // empty blocks at the same height
  pb::RaiseFlag f;
  f.set_subject("vendor:v1");
  f.set_code("x");
  a.Block({a.Tx(kTax, TxKind::kRaiseFlag, f)}, &ra);
  f.set_code("y");
  b.Block({b.Tx(kTax, TxKind::kRaiseFlag, f)}, &rb);
  CHECK(ra != rb);
}

}  // namespace fapiao::contracts::test
