// Wal: the consensus write-ahead log, an append-only file of records
// [u32be length][u32be crc32 of payload][payload]. Append() writes a group of
// records and fdatasyncs before returning (persist-then-send). Open() reads every
// complete record and truncates a torn tail left by a crash. Rewrite() atomically
// replaces the log (temp file, fsync, rename, fsync of the folder), used to drop
// what a stable checkpoint makes unnecessary. One writer; not thread-safe.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/status.h"

namespace fapiao::consensus {

class Wal {
 public:
  // Records found at open are in records(); codes wal.*.
  static Result<std::unique_ptr<Wal>> Open(const std::string& path, bool sync = true);
  ~Wal();
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  const std::vector<Bytes>& records() const { return records_; }
  uint64_t torn_bytes_dropped() const { return torn_; }
  uint64_t size_bytes() const { return size_; }

  Status Append(std::span<const Bytes> records);
  Status Rewrite(std::span<const Bytes> records);

 private:
  Wal(std::string path, int fd, bool sync) : path_(std::move(path)), fd_(fd), sync_(sync) {}
  std::string path_;
  int fd_ = -1;
  bool sync_ = true;
  uint64_t size_ = 0;
  uint64_t torn_ = 0;
  std::vector<Bytes> records_;
};

}  // namespace fapiao::consensus
