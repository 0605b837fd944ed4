// The AuditLog of a node: a file of JSON lines, one per officer query, each
// {"seq", "at_ms", "key_id", "officer", "method", "target", "prev", "hash"}
// where prev is the previous line's hash (64 zeros for the first) and hash is
// the hex SHA-256 of the line's canonical JSON without "hash". Appends are
// written and fsynced before Append returns. Thread-safe (one mutex).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "api/tax/audit_log.h"
#include "ledger/core/crypto.h"

namespace fapiao::api::tax {

class FileAuditLog final : public AuditLog {
 public:
  // Opens (creating it if absent) and verifies the whole chain. Codes:
  // audit.open_failed (I/O), audit.chain_broken (a line that does not parse,
  // is out of sequence, or whose prev/hash does not match; names the line).
  static Result<std::unique_ptr<FileAuditLog>> Open(const std::string& path);
  ~FileAuditLog() override;

  // Code audit.write_failed (nothing is recorded then).
  Status Append(const AuditEntry& entry) override;
  Result<std::string> Export() const override;
  uint64_t size() const;  // entries recorded

 private:
  FileAuditLog(std::string path, int fd, uint64_t seq, std::string last_hash, uint64_t bytes);

  const std::string path_;
  std::unique_ptr<CryptoSuite> suite_;  // SHA-256
  mutable std::mutex mu_;
  int fd_;
  uint64_t seq_;           // entries so far
  std::string last_hash_;  // hex
  uint64_t bytes_;         // file length
};

}  // namespace fapiao::api::tax
