#include "ledger/core/state.h"

#include <algorithm>
#include <vector>

namespace fapiao {

namespace {
bool HasPrefix(ByteView s, ByteView prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
}  // namespace

void WriteSet::Put(Column col, ByteView key, ByteView value) {
  ops_[Key{col, Bytes(key)}] = Bytes(value);
}

void WriteSet::Delete(Column col, ByteView key) {
  ops_[Key{col, Bytes(key)}] = std::nullopt;
}

std::optional<std::optional<Bytes>> WriteSet::Lookup(Column col, ByteView key) const {
  auto it = ops_.find(Key{col, Bytes(key)});
  if (it == ops_.end()) return std::nullopt;
  return it->second;
}

void WriteSet::Merge(const WriteSet& other) {
  for (const auto& [k, v] : other.ops_) ops_[k] = v;
}

Hash WriteSet::Digest(const Hasher& hasher) const {
  Bytes buf;
  for (const auto& [k, v] : ops_) {
    AppendU8(buf, static_cast<uint8_t>(k.first));
    AppendLengthPrefixed(buf, k.second);
    AppendU8(buf, v.has_value() ? 1 : 0);
    AppendLengthPrefixed(buf, v.has_value() ? ByteView(*v) : ByteView());
  }
  return hasher.Digest(buf);
}

std::optional<Bytes> CachedView::Get(Column col, ByteView key) const {
  Bytes k;
  k.reserve(key.size() + 1);
  k.push_back(static_cast<char>(col));
  k.append(key);
  auto it = cache_.find(k);
  if (it == cache_.end()) it = cache_.emplace(std::move(k), base_.Get(col, key)).first;
  return it->second;
}

std::optional<Bytes> OverlayView::Get(Column col, ByteView key) const {
  if (auto pending = pending_.Lookup(col, key)) return *pending;
  return base_.Get(col, key);
}

void OverlayView::ScanRange(Column col, ByteView prefix, ByteView start, const ScanFn& fn) const {
  // Merge the base scan with pending writes in key order.
  const auto& ops = pending_.ops();
  auto it = ops.lower_bound(WriteSet::Key{col, Bytes(std::max(prefix, start))});
  auto in_range = [&](WriteSet::Map::const_iterator i) {
    return i != ops.end() && i->first.first == col && HasPrefix(i->first.second, prefix);
  };
  bool stopped = false;
  // Emits pending entries with keys < bound (or all when bound is null).
  auto drain_pending = [&](const Bytes* bound) {
    while (!stopped && in_range(it) && (bound == nullptr || it->first.second < *bound)) {
      if (it->second.has_value() && !fn(it->first.second, *it->second)) stopped = true;
      ++it;
    }
  };
  base_.ScanRange(col, prefix, start, [&](ByteView key, ByteView value) {
    Bytes k(key);
    drain_pending(&k);
    if (stopped) return false;
    if (in_range(it) && it->first.second == k) {
      // Shadowed by a pending write (put or delete).
      if (it->second.has_value() && !fn(k, *it->second)) stopped = true;
      ++it;
      return !stopped;
    }
    if (!fn(key, value)) stopped = true;
    return !stopped;
  });
  drain_pending(nullptr);
}

std::optional<Bytes> MemState::Get(Column col, ByteView key) const {
  auto it = data_.find({col, Bytes(key)});
  if (it == data_.end()) return std::nullopt;
  return it->second;
}

void MemState::ScanRange(Column col, ByteView prefix, ByteView start, const ScanFn& fn) const {
  for (auto it = data_.lower_bound({col, Bytes(std::max(prefix, start))});
       it != data_.end() && it->first.first == col && HasPrefix(it->first.second, prefix); ++it) {
    if (!fn(it->first.second, it->second)) return;
  }
}

void MemState::Apply(const WriteSet& writes) {
  for (const auto& [k, v] : writes.ops()) {
    if (v.has_value()) {
      data_[k] = *v;
    } else {
      data_.erase(k);
    }
  }
}

}  // namespace fapiao
