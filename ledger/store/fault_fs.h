// FaultInjectionFs: a RocksDB FileSystem wrapper for crash tests (in the spirit
// of LevelDB's SpecialEnv). It tracks, per file written through it, how many
// bytes were synced; DropUnsyncedData() truncates every such file back to its
// synced length (what a power cut leaves), optionally keeping a prefix of the
// unsynced tail (a torn write). FailWritesAfter(n) makes the n+1-th and later
// appends/syncs fail. Thread-safe. REQUIRES: the DB is closed before dropping.
#pragma once

#include <rocksdb/file_system.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace fapiao {

class FaultInjectionFs final : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultInjectionFs(
      std::shared_ptr<rocksdb::FileSystem> base = rocksdb::FileSystem::Default());
  static const char* kClassName() { return "FaultInjectionFs"; }
  const char* Name() const override { return kClassName(); }

  rocksdb::IOStatus NewWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& fname, const rocksdb::IOOptions& opts,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& src, const std::string& dst,
                               const rocksdb::IOOptions& opts,
                               rocksdb::IODebugContext* dbg) override;

  // Appends and syncs after the next n succeed fail with an I/O error; -1 = never.
  void FailWritesAfter(int64_t n);
  // Truncates each tracked file to its synced length plus keep_fraction (0..1)
  // of its unsynced tail. Returns the number of bytes dropped.
  uint64_t DropUnsyncedData(double keep_fraction = 0.0);
  uint64_t unsynced_bytes() const;

  // Called by the file wrappers.
  bool ConsumeWriteBudget();
  void OnAppend(const std::string& fname, uint64_t bytes);
  void OnSync(const std::string& fname);

 private:
  struct FileState {
    uint64_t size = 0;
    uint64_t synced = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, FileState> files_;
  int64_t write_budget_ = -1;
};

}  // namespace fapiao
