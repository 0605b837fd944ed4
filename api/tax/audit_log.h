// The tax officers' query log (issue [tax-api]): every query a tax officer makes
// through this node is appended before it is answered. The log is append-only
// and hash-chained (each entry carries the hash of the previous one), so a
// removed or edited entry is detectable; it can be exported. Implementations
// must be thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "ledger/core/status.h"

namespace fapiao::api::tax {

struct AuditEntry {
  uint64_t at_ms = 0;   // the node's clock when the query arrived
  std::string key_id;   // the officer's API key id
  std::string officer;  // the key's scope (the officer's reference)
  std::string method;   // "GET"
  std::string target;   // path and query as sent
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Appends durably (or fails: the query must then not be answered).
  virtual Status Append(const AuditEntry& entry) = 0;
  // The whole log as stored (for GET /v1/tax/audit); by default not exportable.
  virtual Result<std::string> Export() const {
    return Status::Error("audit.not_exportable", "this audit log cannot be exported");
  }
};

}  // namespace fapiao::api::tax
