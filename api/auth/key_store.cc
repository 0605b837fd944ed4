#include "api/auth/key_store.h"

namespace fapiao::api::auth {

Status InsertRecord(std::map<std::string, KeyRecord, std::less<>>& records,
                    const KeyRecord& record) {
  if (records.contains(record.key_id)) {
    return Status::Error("auth.key_exists", "an API key with id " + record.key_id + " exists");
  }
  records.emplace(record.key_id, record);
  return Status::Ok();
}

Status RevokeRecord(std::map<std::string, KeyRecord, std::less<>>& records,
                    std::string_view key_id) {
  auto it = records.find(key_id);
  if (it == records.end()) {
    return Status::Error("auth.unknown_key", "no API key with id " + std::string(key_id));
  }
  it->second.revoked = true;
  return Status::Ok();
}

Result<std::optional<KeyRecord>> MemoryKeyStore::Find(std::string_view key_id) const {
  std::lock_guard lock(mu_);
  auto it = records_.find(key_id);
  if (it == records_.end()) return std::optional<KeyRecord>();
  return std::optional<KeyRecord>(it->second);
}

Result<std::vector<KeyRecord>> MemoryKeyStore::List() const {
  std::lock_guard lock(mu_);
  std::vector<KeyRecord> out;
  for (const auto& [id, record] : records_) out.push_back(record);
  return out;
}

Status MemoryKeyStore::Insert(const KeyRecord& record) {
  std::lock_guard lock(mu_);
  return InsertRecord(records_, record);
}

Status MemoryKeyStore::Revoke(std::string_view key_id) {
  std::lock_guard lock(mu_);
  return RevokeRecord(records_, key_id);
}

}  // namespace fapiao::api::auth
