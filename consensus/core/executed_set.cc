#include "consensus/core/executed_set.h"

namespace fapiao::consensus {

bool ExecutedSet::Contains(const RequestId& id) const {
  auto it = members_.find(id.member);
  if (it == members_.end()) return false;
  return id.seq <= it->second.floor || it->second.above.count(id.seq) > 0;
}

bool ExecutedSet::Mark(const RequestId& id) {
  PerMember& m = members_[id.member];
  if (id.seq <= m.floor) return false;
  if (id.seq == m.floor + 1) {
    m.floor = id.seq;
    auto it = m.above.begin();
    while (it != m.above.end() && *it == m.floor + 1) {
      m.floor = *it;
      it = m.above.erase(it);
    }
    return true;
  }
  return m.above.insert(id.seq).second;
}

size_t ExecutedSet::sparse_size() const {
  size_t total = 0;
  for (const auto& [member, m] : members_) total += m.above.size();
  return total;
}

}  // namespace fapiao::consensus
