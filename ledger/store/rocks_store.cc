#include "ledger/store/rocks_store.h"

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>

namespace fapiao {

namespace {

// Column families (docs/formats.md "On-disk layout").
enum Cf : size_t {
  kMeta = 0,
  kBlocks,
  kCerts,
  kReceipts,
  kBlockIds,
  kTxs,
  kState,
  kIndex,
  kCfCount
};
const char* const kCfNames[kCfCount] = {"default",  // rocksdb::kDefaultColumnFamilyName
                                        "blocks",  "certs", "receipts", "block_ids",
                                        "txs",     "state", "index"};
// Memtable size per column family, in MB. Each family written with every sale fills
// its memtable, and flushes it alone, well before the write-ahead logs reach their
// bound (max_total_wal_mb, about 95 s of a 915 sales/s load). With 64 MB for all, only
// the state filled in time: the bound flushed the seven others together, on all four
// nodes at the same moment, and sales stalled for 1-3 s every 2-3 minutes
// (docs/benchmarks.md, soak dips). The families written once per block (metadata,
// certificates, block ids) never fill theirs; the bound flushes them alone, cheaply.
constexpr size_t kWriteBufferMb[kCfCount] = {4, 32, 4, 16, 4, 16, 64, 32};
constexpr char kTipKey[] = "chain/tip";

std::string HeightKey(uint64_t h) {
  Bytes k;
  AppendU64(k, h);
  return k;
}

rocksdb::Slice S(ByteView v) {
  return {v.data(), v.size()};
}

Status FromRocks(const rocksdb::Status& s, const char* what) {
  if (s.ok()) return Status::Ok();
  return Status::Error("store.io_error", std::string(what) + ": " + s.ToString());
}

}  // namespace

struct RocksStore::Impl {
  std::unique_ptr<rocksdb::Env> env;  // owns the composite env when a custom fs is used
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  rocksdb::WriteOptions write_options;
  std::atomic<int64_t> tip{-1};  // -1 = empty
  std::mutex append_mu;

  ~Impl() {
    for (auto* h : cfs) {
      if (h != nullptr) db->DestroyColumnFamilyHandle(h);
    }
    db.reset();
  }

  std::optional<Bytes> GetCf(Cf cf, ByteView key) const {
    std::string value;
    auto s = db->Get(rocksdb::ReadOptions(), cfs[cf], S(key), &value);
    if (!s.ok()) return std::nullopt;
    return value;
  }
};

RocksStore::RocksStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RocksStore::~RocksStore() = default;

Result<std::unique_ptr<RocksStore>> RocksStore::Open(const std::string& path,
                                                     const RocksStoreOptions& options) {
  auto impl = std::make_unique<Impl>();
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 4;
  // A write-ahead log is deleted only once every column family has flushed what it
  // holds; a family written rarely (metadata) would otherwise keep every log alive,
  // so the logs grew without bound (3 GB after a million invoices) and a restart
  // replayed them all. Past this size, RocksDB flushes the families holding the oldest.
  db_options.max_total_wal_size = static_cast<uint64_t>(options.max_total_wal_mb) << 20;
  // Flushes and compactions write table files of tens of MB. Left to the kernel, their
  // dirty pages reached the disk in bursts that each block's fsync waited behind
  // (throughput dips of 10-30 s in a 30-minute run). Writing them back every megabyte
  // as they are written keeps each block's fsync short.
  db_options.bytes_per_sync = 1 << 20;
  // One writer (Append, under append_mu; metadata puts are rare), so concurrent
  // memtable inserts buy nothing, and RocksDB uses insert hints (below) only without them.
  db_options.allow_concurrent_memtable_write = false;
  if (options.fs) {
    impl->env = rocksdb::NewCompositeEnv(options.fs);
    db_options.env = impl->env.get();
  }
  // Compactions run at the lowest CPU priority (nice 19): on a loaded machine they
  // take the CPU the node leaves idle instead of the node's own threads. At normal
  // priority, the four nodes of a consortium compacted the same data at the same
  // moment, each for 15-25 s, and sales stalled meanwhile (docs/benchmarks.md, soak).
  // Flushes (the high-priority pool) keep normal priority so memtables never wait.
  // Under sustained overload, L0 files pile up and RocksDB's write slowdown pushes
  // back on the executor, which frees the CPU compactions need.
  (db_options.env != nullptr ? db_options.env : rocksdb::Env::Default())
      ->LowerThreadPoolCPUPriority(rocksdb::Env::Priority::LOW, rocksdb::CpuPriority::kLow)
      .PermitUncheckedError();

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_mb << 20);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Most point lookups during execution are for keys that do not exist yet
  // (exactly-once markers, new transaction ids): a memtable Bloom filter answers
  // them without walking the skiplist.
  cf_options.memtable_prefix_bloom_size_ratio = 0.05;
  cf_options.memtable_whole_key_filtering = true;
  // One insert hint per memtable (the empty prefix of every key): each insert starts its
  // skiplist search from the previous insert's position and climbs only as far as it
  // must, which helps keys written in order (Append sorts a block's transaction ids).
  // Store benchmark: 5.7 -> 4.9 µs per transaction; under HTTP load no measurable change,
  // a sale's keys lie too far apart in a full memtable (docs/benchmarks.md).
  cf_options.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(0));
  cf_options.compression = rocksdb::kLZ4Compression;
  cf_options.bottommost_compression = rocksdb::kZSTD;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (size_t cf = 0; cf < kCfCount; ++cf) {
    descriptors.emplace_back(kCfNames[cf], cf_options);
    descriptors.back().options.write_buffer_size = kWriteBufferMb[cf] << 20;
  }
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(db_options, path, descriptors, &impl->cfs, &raw);
  if (!s.ok()) {
    return Status::Error("store.open_failed", "cannot open store at " + path + ": " + s.ToString());
  }
  impl->db.reset(raw);
  impl->write_options.sync = options.sync;
  if (auto tip = impl->GetCf(kMeta, kTipKey)) {
    if (tip->size() != 8) return Status::Error("store.corrupt", "tip record is not 8 bytes");
    impl->tip = static_cast<int64_t>(ReadU64(*tip));
  }
  return std::unique_ptr<RocksStore>(new RocksStore(std::move(impl)));
}

Status RocksStore::Append(const BlockAppend& a) {
  std::lock_guard lock(impl_->append_mu);
  const int64_t tip = impl_->tip.load();
  if (a.height != static_cast<uint64_t>(tip + 1)) {
    return Status::Error("store.not_next_height", "append of height " + std::to_string(a.height) +
                                                      " onto tip " + std::to_string(tip));
  }
  rocksdb::WriteBatch batch;
  const std::string hk = HeightKey(a.height);
  batch.Put(impl_->cfs[kBlocks], hk, S(a.block_bytes));
  batch.Put(impl_->cfs[kCerts], hk, S(a.certificate));
  if (!a.receipts.empty()) batch.Put(impl_->cfs[kReceipts], hk, S(a.receipts));
  batch.Put(impl_->cfs[kBlockIds], S(a.block_id.view()), hk);
  // Transaction ids in key order, for the memtable insert hint (Open); state and index
  // writes come sorted from their map.
  std::vector<const std::pair<Hash, TxLocation>*> txs;
  txs.reserve(a.txs.size());
  for (const auto& t : a.txs) txs.push_back(&t);
  std::sort(txs.begin(), txs.end(),
            [](const auto* x, const auto* y) { return x->first.view() < y->first.view(); });
  Bytes loc;
  for (const auto* t : txs) {
    loc.clear();
    AppendU64(loc, t->second.height);
    AppendU32(loc, t->second.batch);
    AppendU32(loc, t->second.index);
    batch.Put(impl_->cfs[kTxs], S(t->first.view()), S(loc));
  }
  for (const auto& [key, value] : a.writes.ops()) {
    auto* cf = impl_->cfs[key.first == Column::kState ? kState : kIndex];
    if (value.has_value()) {
      batch.Put(cf, S(key.second), S(*value));
    } else {
      batch.Delete(cf, S(key.second));
    }
  }
  batch.Put(impl_->cfs[kMeta], kTipKey, hk);
  if (Status s = FromRocks(impl_->db->Write(impl_->write_options, &batch), "append"); !s.ok()) {
    return s;
  }
  impl_->tip = static_cast<int64_t>(a.height);
  return Status::Ok();
}

std::optional<uint64_t> RocksStore::Tip() const {
  const int64_t t = impl_->tip.load();
  if (t < 0) return std::nullopt;
  return static_cast<uint64_t>(t);
}

std::optional<Bytes> RocksStore::BlockAt(uint64_t height) const {
  return impl_->GetCf(kBlocks, HeightKey(height));
}
std::optional<Bytes> RocksStore::CertificateAt(uint64_t height) const {
  return impl_->GetCf(kCerts, HeightKey(height));
}
std::optional<Bytes> RocksStore::ReceiptsAt(uint64_t height) const {
  return impl_->GetCf(kReceipts, HeightKey(height));
}

std::optional<uint64_t> RocksStore::HeightOf(const Hash& block_id) const {
  auto v = impl_->GetCf(kBlockIds, block_id.view());
  if (!v || v->size() != 8) return std::nullopt;
  return ReadU64(*v);
}

std::optional<TxLocation> RocksStore::FindTx(const Hash& tx_id) const {
  auto v = impl_->GetCf(kTxs, tx_id.view());
  if (!v || v->size() != 16) return std::nullopt;
  ByteView b(*v);
  return TxLocation{ReadU64(b), ReadU32(b.substr(8)), ReadU32(b.substr(12))};
}

Status RocksStore::PutMeta(ByteView key, ByteView value) {
  rocksdb::WriteOptions wo;
  wo.sync = impl_->write_options.sync;
  return FromRocks(impl_->db->Put(wo, impl_->cfs[kMeta], S(key), S(value)), "meta put");
}

std::optional<Bytes> RocksStore::GetMeta(ByteView key) const {
  return impl_->GetCf(kMeta, key);
}

std::optional<Bytes> RocksStore::Get(Column col, ByteView key) const {
  return impl_->GetCf(col == Column::kState ? kState : kIndex, key);
}

void RocksStore::ScanRange(Column col, ByteView prefix, ByteView start, const ScanFn& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(
      rocksdb::ReadOptions(), impl_->cfs[col == Column::kState ? kState : kIndex]));
  for (it->Seek(S(std::max(prefix, start))); it->Valid() && it->key().starts_with(S(prefix));
       it->Next()) {
    if (!fn(ByteView(it->key().data(), it->key().size()),
            ByteView(it->value().data(), it->value().size()))) {
      return;
    }
  }
}

StoreWriteStalls RocksStore::WriteStalls() const {
  StoreWriteStalls out;
  if (!impl_->db) return out;
  // Internal statistics RocksDB always keeps (no rocksdb::Statistics needed).
  std::map<std::string, std::string> db_stats;
  if (impl_->db->GetMapProperty(rocksdb::DB::Properties::kDBStats, &db_stats)) {
    if (auto it = db_stats.find("db.user_write_stall_micros"); it != db_stats.end()) {
      out.stalled_seconds = std::strtod(it->second.c_str(), nullptr) / 1e6;
    }
  }
  uint64_t v = 0;
  if (impl_->db->GetIntProperty(rocksdb::DB::Properties::kIsWriteStopped, &v)) out.stopped = v != 0;
  if (impl_->db->GetIntProperty(rocksdb::DB::Properties::kActualDelayedWriteRate, &v)) {
    out.delayed_write_rate = v;
  }
  return out;
}

Status RocksStore::Close() {
  if (!impl_->db) return Status::Ok();
  auto s = impl_->db->FlushWAL(true);
  for (auto* h : impl_->cfs) impl_->db->DestroyColumnFamilyHandle(h);
  impl_->cfs.clear();
  auto c = impl_->db->Close();
  impl_->db.reset();
  if (!s.ok()) return FromRocks(s, "close");
  return FromRocks(c, "close");
}

}  // namespace fapiao
