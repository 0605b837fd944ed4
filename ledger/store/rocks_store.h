// RocksStore: BlockStore on RocksDB with one column family per kind of data
// (docs/formats.md). Open() creates the database if missing. Options.fs lets
// tests interpose a fault-injecting file system (fault_fs.h). WriteStalls()
// reads RocksDB's always-on counters of write back-pressure (for metrics).
// Thread safety: as BlockStore.
#pragma once

#include <memory>
#include <string>

#include "ledger/store/block_store.h"

namespace rocksdb {
class FileSystem;
}

namespace fapiao {

struct RocksStoreOptions {
  bool sync = true;  // fsync every Append (only tests turn this off)
  size_t block_cache_mb = 64;
  // Write-ahead logs kept before the column families holding the oldest are flushed.
  size_t max_total_wal_mb = 256;
  std::shared_ptr<rocksdb::FileSystem> fs;  // null = the real file system
};

// RocksDB slowing or stopping writers because flushes or compactions lag.
struct StoreWriteStalls {
  double stalled_seconds = 0;       // total time writers waited (db.user_write_stall_micros)
  bool stopped = false;             // rocksdb.is-write-stopped
  uint64_t delayed_write_rate = 0;  // bytes/s allowed while slowed; 0 = not slowed
};

class RocksStore final : public BlockStore {
 public:
  static Result<std::unique_ptr<RocksStore>> Open(const std::string& path,
                                                  const RocksStoreOptions& options = {});
  ~RocksStore() override;
  RocksStore(const RocksStore&) = delete;
  RocksStore& operator=(const RocksStore&) = delete;

  Status Append(const BlockAppend& a) override;
  std::optional<uint64_t> Tip() const override;
  std::optional<Bytes> BlockAt(uint64_t height) const override;
  std::optional<Bytes> CertificateAt(uint64_t height) const override;
  std::optional<Bytes> ReceiptsAt(uint64_t height) const override;
  std::optional<uint64_t> HeightOf(const Hash& block_id) const override;
  std::optional<TxLocation> FindTx(const Hash& tx_id) const override;
  Status PutMeta(ByteView key, ByteView value) override;
  std::optional<Bytes> GetMeta(ByteView key) const override;

  std::optional<Bytes> Get(Column col, ByteView key) const override;
  void ScanRange(Column col, ByteView prefix, ByteView start, const ScanFn& fn) const override;
  using StateView::ScanPrefix;

  // Syncs the WAL and closes (the destructor closes too). A crash is simulated
  // by FaultInjectionFs::DropUnsyncedData(), not by skipping Close().
  Status Close();

  // Cheap (a few DB properties); safe from any thread while the store is open.
  StoreWriteStalls WriteStalls() const;

 private:
  struct Impl;
  explicit RocksStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fapiao
