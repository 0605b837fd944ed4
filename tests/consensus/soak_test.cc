// Long simulator runs (label soak; scripts/test leaves them out, run them with
// `ctest -L soak`): 10,000 seeds each, all faults, f Byzantine replicas.
//
//  soak/n4-all-faults   n=4, seeds 1..10000
//  soak/n7-all-faults   n=7, seeds 1..10000
#include <catch2/catch.hpp>
#include <string>

#include "consensus/sim/simulator.h"

namespace fapiao::consensus::sim {
namespace {

void Soak(uint32_t n) {
  SimOptions o;
  o.n = n;
  std::string err;
  REQUIRE(Faults::Parse("all", o.faults, err));
  o.byzantine = static_cast<int>((n - 1) / 3);
  for (uint64_t seed = 1; seed <= 10000; ++seed) {
    o.seed = seed;
    const SimResult r = RunSimulation(o);
    INFO("seed " << seed << ": " << r.what << "\nreplay: fapiao-sim --n " << n << " --seeds "
                 << seed << ":" << seed << " --faults all --trace");
    REQUIRE_FALSE(r.violation);
    REQUIRE_FALSE(r.liveness_failure);
  }
}

TEST_CASE("soak/n4-all-faults", "[consensus][soak]") {
  Soak(4);
}
TEST_CASE("soak/n7-all-faults", "[consensus][soak]") {
  Soak(7);
}

}  // namespace
}  // namespace fapiao::consensus::sim
