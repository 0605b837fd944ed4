// StateView / WriteSet / OverlayView / CachedView: pending writes shadow the base in Get and
// in ordered prefix scans; write-set digests are order-independent of insertion; a cached
// view reads each base key once.
#include <catch2/catch.hpp>

#include "ledger/core/state.h"

using namespace fapiao;

TEST_CASE("overlay reads through pending writes in key order", "[state]") {
  MemState base;
  WriteSet init;
  for (const char* k : {"a/1", "a/3", "a/5", "b/1"})
    init.Put(Column::kState, k, std::string("base-") + k);
  init.Put(Column::kIndex, "a/2", "index");
  base.Apply(init);

  WriteSet pending;
  pending.Put(Column::kState, "a/2", "new-2");
  pending.Put(Column::kState, "a/3", "new-3");
  pending.Delete(Column::kState, "a/5");
  pending.Put(Column::kState, "a/9", "new-9");
  OverlayView view(base, pending);

  CHECK(view.Get(Column::kState, "a/3") == Bytes("new-3"));
  CHECK(view.Get(Column::kState, "a/5") == std::nullopt);
  CHECK(view.Get(Column::kState, "a/1") == Bytes("base-a/1"));
  CHECK(view.Get(Column::kIndex, "a/2") == Bytes("index"));

  std::vector<std::string> seen;
  view.ScanPrefix(Column::kState, "a/", [&](ByteView k, ByteView v) {
    seen.push_back(std::string(k) + "=" + std::string(v));
    return true;
  });
  CHECK(seen == std::vector<std::string>{"a/1=base-a/1", "a/2=new-2", "a/3=new-3", "a/9=new-9"});

  seen.clear();
  view.ScanPrefix(Column::kState, "a/", [&](ByteView k, ByteView) {
    seen.push_back(std::string(k));
    return seen.size() < 2;
  });
  CHECK(seen.size() == 2);

  // A range scan starts at the first key >= start, pending and base merged, and
  // never leaves the prefix; a start before the prefix is the whole prefix.
  auto range = [&](const StateView& v, ByteView start) {
    std::vector<std::string> keys;
    v.ScanRange(Column::kState, "a/", start, [&](ByteView k, ByteView) {
      keys.emplace_back(k);
      return true;
    });
    return keys;
  };
  using Keys = std::vector<std::string>;
  CHECK(range(view, "a/2") == Keys{"a/2", "a/3", "a/9"});
  CHECK(range(view, "a/25") == Keys{"a/3", "a/9"});
  CHECK(range(view, "a/4") == Keys{"a/9"});
  CHECK(range(view, "b") == Keys{});
  CHECK(range(view, "") == Keys{"a/1", "a/2", "a/3", "a/9"});
  CHECK(range(base, "a/2") == Keys{"a/3", "a/5"});

  WriteSet other;
  other.Put(Column::kState, "a/9", "new-9");
  other.Delete(Column::kState, "a/5");
  other.Put(Column::kState, "a/3", "new-3");
  other.Put(Column::kState, "a/2", "new-2");
  auto suite = CryptoSuite::Create(SuiteId::kEd25519Sha256);
  CHECK(other.Digest(suite->hasher()) == pending.Digest(suite->hasher()));
  other.Put(Column::kIndex, "a/9", "new-9");
  CHECK(other.Digest(suite->hasher()) != pending.Digest(suite->hasher()));
}

namespace {

// A base view that counts its reads.
class CountingView final : public StateView {
 public:
  explicit CountingView(const StateView& base) : base_(base) {}
  std::optional<Bytes> Get(Column col, ByteView key) const override {
    ++gets;
    return base_.Get(col, key);
  }
  void ScanRange(Column col, ByteView prefix, ByteView start, const ScanFn& fn) const override {
    base_.ScanRange(col, prefix, start, fn);
  }
  mutable int gets = 0;

 private:
  const StateView& base_;
};

}  // namespace

TEST_CASE("a cached view reads each key of its base once, missing keys too", "[state]") {
  MemState base;
  WriteSet init;
  init.Put(Column::kState, "rules", "r");
  init.Put(Column::kIndex, "rules", "index-r");
  base.Apply(init);
  CountingView counting(base);
  CachedView cached(counting);
  for (int i = 0; i < 3; ++i) {
    CHECK(cached.Get(Column::kState, "rules") == Bytes("r"));
    CHECK(cached.Get(Column::kIndex, "rules") == Bytes("index-r"));  // columns are apart
    CHECK(cached.Get(Column::kState, "absent") == std::nullopt);
  }
  CHECK(counting.gets == 3);
  CHECK(cached.cached() == 3);

  // Under an overlay, the block's own writes still shadow what the cache holds.
  WriteSet pending;
  pending.Put(Column::kState, "rules", "r2");
  pending.Put(Column::kState, "absent", "now");
  OverlayView view(cached, pending);
  CHECK(view.Get(Column::kState, "rules") == Bytes("r2"));
  CHECK(view.Get(Column::kState, "absent") == Bytes("now"));
  CHECK(counting.gets == 3);

  std::vector<std::string> keys;
  cached.ScanPrefix(Column::kState, "", [&](ByteView k, ByteView) {
    keys.emplace_back(k);
    return true;
  });
  CHECK(keys == std::vector<std::string>{"rules"});
}
