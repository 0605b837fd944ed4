// Contract state as seen by the contracts: a read-only StateView, a WriteSet
// of puts/deletes produced by executing transactions, an OverlayView that reads
// a base view through pending writes, and MemState (in-memory, for tests and
// simulators), and a CachedView that reads each key of a base view once. Two columns: kState
// (authoritative contract state) and kIndex (secondary indexes and aggregates, derived, written by
// the same write set). WriteSet iteration order is deterministic (sorted by column, then key). Not
// thread-safe: one writer; views may be read concurrently only if nothing writes.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

#include "ledger/core/bytes.h"
#include "ledger/core/crypto.h"
#include "ledger/core/types.h"

namespace fapiao {

enum class Column : uint8_t { kState = 0, kIndex = 1 };

// Return false from the callback to stop the scan.
using ScanFn = std::function<bool(ByteView key, ByteView value)>;

class StateView {
 public:
  virtual ~StateView() = default;
  virtual std::optional<Bytes> Get(Column col, ByteView key) const = 0;
  // Visits keys starting with prefix in ascending byte order.
  void ScanPrefix(Column col, ByteView prefix, const ScanFn& fn) const {
    ScanRange(col, prefix, prefix, fn);
  }
  // Visits keys starting with prefix that are >= start, in ascending byte order:
  // a seek into an index whose keys sort by time, or a page's resumption point.
  virtual void ScanRange(Column col, ByteView prefix, ByteView start, const ScanFn& fn) const = 0;
};

class WriteSet {
 public:
  using Key = std::pair<Column, Bytes>;
  // nullopt value = delete.
  using Map = std::map<Key, std::optional<Bytes>>;

  void Put(Column col, ByteView key, ByteView value);
  void Delete(Column col, ByteView key);
  // Pending value: nullopt if untouched; optional<nullopt> if deleted.
  std::optional<std::optional<Bytes>> Lookup(Column col, ByteView key) const;
  // Applies other's writes on top of this one's.
  void Merge(const WriteSet& other);
  const Map& ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }
  void clear() { ops_.clear(); }

  // Deterministic digest of every write: for each op in order,
  // u8 column || len-prefixed key || u8 present || len-prefixed value.
  Hash Digest(const Hasher& hasher) const;

 private:
  Map ops_;
};

// Reads base through pending writes (which shadow and delete base entries).
class OverlayView final : public StateView {
 public:
  OverlayView(const StateView& base, const WriteSet& pending) : base_(base), pending_(pending) {}
  std::optional<Bytes> Get(Column col, ByteView key) const override;
  void ScanRange(Column col, ByteView prefix, ByteView start, const ScanFn& fn) const override;
  using StateView::ScanPrefix;

 private:
  const StateView& base_;
  const WriteSet& pending_;
};

// Reads `base` once per key: a later read of the same key (also of a missing
// one) is answered from memory. For one block's execution, while base does not
// change (the block's writes are stored after it): the contracts read the same
// records (tax rules, vendors, members) for every transaction of a block. Scans
// go to base. Not thread-safe.
class CachedView final : public StateView {
 public:
  explicit CachedView(const StateView& base) : base_(base) {}
  std::optional<Bytes> Get(Column col, ByteView key) const override;
  void ScanRange(Column col, ByteView prefix, ByteView start, const ScanFn& fn) const override {
    base_.ScanRange(col, prefix, start, fn);
  }
  using StateView::ScanPrefix;
  size_t cached() const { return cache_.size(); }

 private:
  const StateView& base_;
  mutable std::unordered_map<Bytes, std::optional<Bytes>> cache_;  // u8 column || key
};

class MemState final : public StateView {
 public:
  std::optional<Bytes> Get(Column col, ByteView key) const override;
  void ScanRange(Column col, ByteView prefix, ByteView start, const ScanFn& fn) const override;
  using StateView::ScanPrefix;
  void Apply(const WriteSet& writes);
  size_t size() const { return data_.size(); }

 private:
  std::map<std::pair<Column, Bytes>, Bytes> data_;
};

}  // namespace fapiao
