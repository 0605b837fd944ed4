// The time a node stamps on the blocks it proposes and checks proposals against.
// Normally the wall clock. For benchmarks that need months of ledger history in
// minutes ([clock] in node.toml, docs/operations.md), a warped clock: ledger time
// was origin_ms when the wall clock read anchor_ms and runs `rate` times faster.
// Every member of a consortium must carry the same three values. Pure functions.
#pragma once

#include <cstdint>

namespace fapiao::node {

struct ClockSettings {
  uint64_t origin_ms = 0;  // 0: the wall clock (production)
  uint64_t anchor_ms = 0;
  uint64_t rate = 1;
  bool warped() const { return origin_ms != 0; }
};

// Ledger time at wall-clock time `wall_ms` (before the anchor: the origin).
uint64_t LedgerTimeMs(const ClockSettings& clock, uint64_t wall_ms);

// How far a proposal's time may stray from this node's ledger time: a fixed
// wall-clock tolerance, scaled by the rate so warped nodes still agree.
uint64_t MaxSkewMs(const ClockSettings& clock, uint64_t wall_tolerance_ms);

}  // namespace fapiao::node
