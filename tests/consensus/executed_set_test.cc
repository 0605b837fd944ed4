// ExecutedSet: exactly-once bookkeeping per member, in intervals.
// Scenarios: in-order marks stay one interval; a member that skips a range
// (restart above a sequence lease) costs one more interval, not one entry per
// request; gaps filled later merge; a repeat is refused.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "consensus/core/executed_set.h"

using namespace fapiao::consensus;

TEST_CASE("executed requests are kept as merged intervals", "[executed]") {
  ExecutedSet set;
  for (uint64_t s = 1; s <= 1000; ++s) REQUIRE(set.Mark({7, s}));
  CHECK(set.sparse_size() == 0);
  CHECK_FALSE(set.Mark({7, 500}));
  CHECK(set.Contains({7, 1000}));
  CHECK_FALSE(set.Contains({7, 1001}));
  CHECK_FALSE(set.Contains({8, 1}));
  // A restart jumps to a new lease: one more interval, however long it runs.
  for (uint64_t s = 100001; s <= 101000; ++s) REQUIRE(set.Mark({7, s}));
  CHECK(set.sparse_size() == 1);
  CHECK_FALSE(set.Contains({7, 50000}));
}

TEST_CASE("random marks agree with a plain set", "[executed]") {
  const uint32_t seed = 424242;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  ExecutedSet set;
  std::set<uint64_t> naive;
  for (int i = 0; i < 20000; ++i) {
    const uint64_t s = 1 + rng() % 3000;
    REQUIRE(set.Mark({1, s}) == naive.insert(s).second);
  }
  for (uint64_t s = 0; s <= 3001; ++s) REQUIRE(set.Contains({1, s}) == (naive.count(s) == 1));
  size_t runs = 0;
  for (auto it = naive.begin(); it != naive.end(); ++it) {
    if (it == naive.begin() || *std::prev(it) + 1 != *it) ++runs;
  }
  CHECK(set.sparse_size() == runs - 1);
}
