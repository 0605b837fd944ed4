// Where API key records live: the KeyStore seam, its record type and an
// in-memory implementation for tests. A record holds the SHA-256 of the
// secret, never the secret. Implementations are thread-safe: the node reads
// while `fapiaod keys` writes (file store) or tests write (memory store).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/auth/principal.h"
#include "api/auth/token.h"
#include "ledger/core/status.h"

namespace fapiao::api::auth {

struct KeyRecord {
  std::string key_id;  // lookup key, 16 lowercase hex digits
  SecretHash secret_sha256{};
  Role role = Role::kAnonymous;  // a keyed role (IsKeyedRole)
  std::string scope;
  std::string label;
  int64_t created_at_ms = 0;  // Unix milliseconds, from the issuing clock
  bool revoked = false;
};

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // nullopt when no such key; a Status on storage failure.
  virtual Result<std::optional<KeyRecord>> Find(std::string_view key_id) const = 0;
  // All records ordered by key id.
  virtual Result<std::vector<KeyRecord>> List() const = 0;
  // `auth.key_exists` when the key id is taken.
  virtual Status Insert(const KeyRecord& record) = 0;
  // Marks revoked (idempotent); `auth.unknown_key` when absent.
  virtual Status Revoke(std::string_view key_id) = 0;
};

class MemoryKeyStore final : public KeyStore {
 public:
  Result<std::optional<KeyRecord>> Find(std::string_view key_id) const override;
  Result<std::vector<KeyRecord>> List() const override;
  Status Insert(const KeyRecord& record) override;
  Status Revoke(std::string_view key_id) override;

 private:
  mutable std::mutex mu_;
  std::map<std::string, KeyRecord, std::less<>> records_;
};

// Shared by implementations: insert / revoke on a map of records.
Status InsertRecord(std::map<std::string, KeyRecord, std::less<>>& records,
                    const KeyRecord& record);
Status RevokeRecord(std::map<std::string, KeyRecord, std::less<>>& records,
                    std::string_view key_id);

}  // namespace fapiao::api::auth
