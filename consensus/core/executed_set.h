// ExecutedSet: which requests (member, sequence) have been executed, for
// exactly-once execution. Per member it keeps a contiguous floor plus the sparse
// sequence numbers above it, so memory stays small when members number in order.
// A value type owned by the Replica (and rebuilt by the driver from the ledger on restart).
#pragma once

#include <cstdint>
#include <set>
#include <unordered_map>

#include "consensus/core/types.h"

namespace fapiao::consensus {

class ExecutedSet {
 public:
  bool Contains(const RequestId& id) const;
  // Returns false if id was already marked.
  bool Mark(const RequestId& id);
  size_t sparse_size() const;

 private:
  struct PerMember {
    uint64_t floor = 0;  // every seq <= floor is executed (member sequences start at 1)
    std::set<uint64_t> above;
  };
  std::unordered_map<uint32_t, PerMember> members_;
};

}  // namespace fapiao::consensus
