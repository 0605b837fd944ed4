#include "consensus/driver/memo_signer.h"

#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace fapiao::consensus {

struct MemoSigner::Memo {
  size_t capacity;
  mutable std::mutex mu;
  std::unordered_map<std::string, Bytes> sigs;
  std::deque<std::string> order;  // oldest first, for eviction
  uint64_t made = 0;
};

MemoSigner::MemoSigner(const Signer& inner, size_t capacity)
    : inner_(inner), memo_(std::make_unique<Memo>()) {
  memo_->capacity = capacity == 0 ? 1 : capacity;
}

MemoSigner::~MemoSigner() = default;

Bytes MemoSigner::Sign(ByteView message) const {
  std::string key(message);
  {
    std::lock_guard lock(memo_->mu);
    if (auto it = memo_->sigs.find(key); it != memo_->sigs.end()) return it->second;
  }
  Bytes sig = inner_.Sign(message);  // outside the lock: signing is the slow part
  std::lock_guard lock(memo_->mu);
  ++memo_->made;
  if (memo_->sigs.emplace(key, sig).second) {
    memo_->order.push_back(std::move(key));
    while (memo_->order.size() > memo_->capacity) {
      memo_->sigs.erase(memo_->order.front());
      memo_->order.pop_front();
    }
  }
  return sig;
}

uint64_t MemoSigner::signatures_made() const {
  std::lock_guard lock(memo_->mu);
  return memo_->made;
}

}  // namespace fapiao::consensus
