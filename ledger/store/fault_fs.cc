#include "ledger/store/fault_fs.h"

#include <unistd.h>

#include <algorithm>

namespace fapiao {

namespace {

class TrackedFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TrackedFile(std::unique_ptr<rocksdb::FSWritableFile> target, std::string fname,
              FaultInjectionFs* fs)
      : FSWritableFileOwnerWrapper(std::move(target)), fname_(std::move(fname)), fs_(fs) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           rocksdb::IODebugContext* dbg) override {
    if (!fs_->ConsumeWriteBudget()) return rocksdb::IOStatus::IOError("injected write failure");
    auto s = target()->Append(data, o, dbg);
    if (s.ok()) fs_->OnAppend(fname_, data.size());
    return s;
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           const rocksdb::DataVerificationInfo&,
                           rocksdb::IODebugContext* dbg) override {
    return Append(data, o, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice&, uint64_t, const rocksdb::IOOptions&,
                                     rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported("positioned append");
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice&, uint64_t, const rocksdb::IOOptions&,
                                     const rocksdb::DataVerificationInfo&,
                                     rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported("positioned append");
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override {
    if (!fs_->ConsumeWriteBudget()) return rocksdb::IOStatus::IOError("injected sync failure");
    auto s = target()->Sync(o, dbg);
    if (s.ok()) fs_->OnSync(fname_);
    return s;
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override {
    if (!fs_->ConsumeWriteBudget()) return rocksdb::IOStatus::IOError("injected sync failure");
    auto s = target()->Fsync(o, dbg);
    if (s.ok()) fs_->OnSync(fname_);
    return s;
  }
  rocksdb::IOStatus RangeSync(uint64_t, uint64_t, const rocksdb::IOOptions&,
                              rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::OK();  // a partial sync guarantees nothing; ignore it
  }
  bool use_direct_io() const override { return false; }

 private:
  std::string fname_;
  FaultInjectionFs* fs_;
};

}  // namespace

FaultInjectionFs::FaultInjectionFs(std::shared_ptr<rocksdb::FileSystem> base)
    : FileSystemWrapper(base) {}

rocksdb::IOStatus FaultInjectionFs::NewWritableFile(
    const std::string& fname, const rocksdb::FileOptions& opts,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  rocksdb::FileOptions plain = opts;
  plain.use_direct_writes = false;
  std::unique_ptr<rocksdb::FSWritableFile> file;
  auto s = target()->NewWritableFile(fname, plain, &file, dbg);
  if (!s.ok()) return s;
  {
    std::lock_guard lock(mu_);
    files_[fname] = FileState{};
  }
  *result = std::make_unique<TrackedFile>(std::move(file), fname, this);
  return s;
}

rocksdb::IOStatus FaultInjectionFs::ReopenWritableFile(
    const std::string& fname, const rocksdb::FileOptions& opts,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  auto s = target()->ReopenWritableFile(fname, opts, &file, dbg);
  if (!s.ok()) return s;
  uint64_t size = 0;
  target()->GetFileSize(fname, rocksdb::IOOptions(), &size, dbg);
  {
    std::lock_guard lock(mu_);
    files_[fname] = FileState{size, size};
  }
  *result = std::make_unique<TrackedFile>(std::move(file), fname, this);
  return s;
}

rocksdb::IOStatus FaultInjectionFs::DeleteFile(const std::string& fname,
                                               const rocksdb::IOOptions& opts,
                                               rocksdb::IODebugContext* dbg) {
  {
    std::lock_guard lock(mu_);
    files_.erase(fname);
  }
  return target()->DeleteFile(fname, opts, dbg);
}

rocksdb::IOStatus FaultInjectionFs::RenameFile(const std::string& src, const std::string& dst,
                                               const rocksdb::IOOptions& opts,
                                               rocksdb::IODebugContext* dbg) {
  auto s = target()->RenameFile(src, dst, opts, dbg);
  if (s.ok()) {
    std::lock_guard lock(mu_);
    auto it = files_.find(src);
    if (it != files_.end()) {
      files_[dst] = it->second;
      files_.erase(it);
    }
  }
  return s;
}

void FaultInjectionFs::FailWritesAfter(int64_t n) {
  std::lock_guard lock(mu_);
  write_budget_ = n;
}

bool FaultInjectionFs::ConsumeWriteBudget() {
  std::lock_guard lock(mu_);
  if (write_budget_ < 0) return true;
  if (write_budget_ == 0) return false;
  --write_budget_;
  return true;
}

void FaultInjectionFs::OnAppend(const std::string& fname, uint64_t bytes) {
  std::lock_guard lock(mu_);
  files_[fname].size += bytes;
}

void FaultInjectionFs::OnSync(const std::string& fname) {
  std::lock_guard lock(mu_);
  auto& f = files_[fname];
  f.synced = f.size;
}

uint64_t FaultInjectionFs::DropUnsyncedData(double keep_fraction) {
  std::lock_guard lock(mu_);
  keep_fraction = std::clamp(keep_fraction, 0.0, 1.0);
  uint64_t dropped = 0;
  for (auto& [name, f] : files_) {
    if (f.size == f.synced) continue;
    const auto tail = f.size - f.synced;
    const auto keep = static_cast<uint64_t>(static_cast<double>(tail) * keep_fraction);
    const uint64_t new_size = f.synced + keep;
    if (::truncate(name.c_str(), static_cast<off_t>(new_size)) == 0) {
      dropped += f.size - new_size;
      f.size = new_size;
      f.synced = new_size;
    }
  }
  return dropped;
}

uint64_t FaultInjectionFs::unsynced_bytes() const {
  std::lock_guard lock(mu_);
  uint64_t n = 0;
  for (const auto& [name, f] : files_) n += f.size - f.synced;
  return n;
}

}  // namespace fapiao
