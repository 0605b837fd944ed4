// FileKeyStore: API key records in one JSON file (normally
// <data_dir>/api-keys.json, mode 0600), rewritten atomically (temp file,
// fsync, rename, fsync of the folder) under an advisory lock so concurrent
// `fapiaod keys` runs do not lose updates. Readers reload when the file was
// replaced, so a running node sees keys added or revoked by another process.
// Thread-safe. Format: docs/auth.md.
#pragma once

#include <sys/types.h>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "api/auth/key_store.h"

namespace fapiao::api::auth {

inline constexpr std::string_view kKeyFileName = "api-keys.json";

class FileKeyStore final : public KeyStore {
 public:
  // A missing file is an empty store (created on the first Insert); an
  // unreadable or invalid one fails with `auth.store_io` / `auth.store_corrupt`.
  static Result<std::unique_ptr<FileKeyStore>> Open(std::string path);

  Result<std::optional<KeyRecord>> Find(std::string_view key_id) const override;
  Result<std::vector<KeyRecord>> List() const override;
  Status Insert(const KeyRecord& record) override;
  Status Revoke(std::string_view key_id) override;

  const std::string& path() const { return path_; }

 private:
  using Records = std::map<std::string, KeyRecord, std::less<>>;
  struct Stamp {
    bool exists = false;
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    long mtime_ns = 0;
    long ctime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };

  explicit FileKeyStore(std::string path) : path_(std::move(path)) {}
  Status RefreshLocked() const;
  template <typename Change>
  Status Update(Change change);

  const std::string path_;
  mutable std::mutex mu_;
  mutable Records records_;
  mutable Stamp stamp_;
};

// The key file's JSON text for these records, and back (exposed for tests).
std::string SerializeKeyFile(const std::map<std::string, KeyRecord, std::less<>>& records);
Result<std::map<std::string, KeyRecord, std::less<>>> ParseKeyFile(std::string_view text);

}  // namespace fapiao::api::auth
