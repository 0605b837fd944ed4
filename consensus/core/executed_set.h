// ExecutedSet: which requests (member, sequence) have been executed, for
// exactly-once execution. Per member it keeps disjoint closed intervals of
// sequence numbers, so memory stays small when members number in order, also
// when a member skips a range (a node restarting above its last sequence lease).
// A value type owned by the Replica (and rebuilt by the driver from the ledger on restart).
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>

#include "consensus/core/types.h"

namespace fapiao::consensus {

class ExecutedSet {
 public:
  bool Contains(const RequestId& id) const;
  // Returns false if id was already marked.
  bool Mark(const RequestId& id);
  // Intervals held beyond the first per member (0 when every member is contiguous).
  size_t sparse_size() const;

 private:
  // start -> end (inclusive), disjoint and never adjacent.
  std::unordered_map<uint32_t, std::map<uint64_t, uint64_t>> members_;
};

}  // namespace fapiao::consensus
