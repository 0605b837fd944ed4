#include "node/clock.h"

namespace fapiao::node {

uint64_t LedgerTimeMs(const ClockSettings& clock, uint64_t wall_ms) {
  if (!clock.warped()) return wall_ms;
  if (wall_ms <= clock.anchor_ms) return clock.origin_ms;
  return clock.origin_ms + (wall_ms - clock.anchor_ms) * clock.rate;
}

uint64_t MaxSkewMs(const ClockSettings& clock, uint64_t wall_tolerance_ms) {
  return clock.warped() ? wall_tolerance_ms * clock.rate : wall_tolerance_ms;
}

}  // namespace fapiao::node
