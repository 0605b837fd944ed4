#include "consensus/core/executed_set.h"

#include <iterator>

namespace fapiao::consensus {

bool ExecutedSet::Contains(const RequestId& id) const {
  auto m = members_.find(id.member);
  if (m == members_.end()) return false;
  auto it = m->second.upper_bound(id.seq);  // first interval starting after seq
  if (it == m->second.begin()) return false;
  --it;
  return id.seq <= it->second;
}

bool ExecutedSet::Mark(const RequestId& id) {
  if (Contains(id)) return false;
  auto& iv = members_[id.member];
  const uint64_t s = id.seq;
  auto next = iv.upper_bound(s);
  const bool joins_prev = next != iv.begin() && std::prev(next)->second + 1 == s;
  const bool joins_next = next != iv.end() && s + 1 == next->first;
  if (joins_prev && joins_next) {
    std::prev(next)->second = next->second;
    iv.erase(next);
  } else if (joins_prev) {
    std::prev(next)->second = s;
  } else if (joins_next) {
    const uint64_t end = next->second;
    iv.erase(next);
    iv.emplace(s, end);
  } else {
    iv.emplace(s, s);
  }
  return true;
}

size_t ExecutedSet::sparse_size() const {
  size_t total = 0;
  for (const auto& [member, iv] : members_) total += iv.empty() ? 0 : iv.size() - 1;
  return total;
}

}  // namespace fapiao::consensus
