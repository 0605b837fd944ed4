#include "api/auth/file_key_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include <nlohmann/json.hpp>

namespace fapiao::api::auth {
namespace {

constexpr std::string_view kFormat = "fapiao-api-keys/1";

Status Io(const std::string& what, const std::string& path) {
  return Status::Error("auth.store_io", what + " " + path + ": " + std::strerror(errno));
}

Status Corrupt(const std::string& why) {
  return Status::Error("auth.store_corrupt", "the API key file is invalid: " + why);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

Result<std::string> ReadFile(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::string();
    return Io("cannot open", path);
  }
  std::string out;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Io("cannot read", path);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Status WriteAtomically(const std::string& path, std::string_view content) {
  const std::string tmp = path + ".tmp";
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0) return Io("cannot create", tmp);
  if (::fchmod(fd.get(), 0600) != 0) return Io("cannot chmod", tmp);
  if (!WriteAll(fd.get(), content)) return Io("cannot write", tmp);
  if (::fsync(fd.get()) != 0) return Io("cannot fsync", tmp);
  if (::close(fd.release()) != 0) return Io("cannot close", tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Io("cannot rename onto", path);
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() < 0 || ::fsync(dfd.get()) != 0) return Io("cannot fsync folder", dir);
  return Status::Ok();
}

// Holds an exclusive advisory lock on <path>.lock for one read-modify-write.
class FileLock {
 public:
  static Result<std::unique_ptr<FileLock>> Take(const std::string& path) {
    const std::string lock_path = path + ".lock";
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Io("cannot open", lock_path);
    auto lock = std::unique_ptr<FileLock>(new FileLock(fd));
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR) return Io("cannot lock", lock_path);
    }
    return lock;
  }

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  Fd fd_;  // closing releases the lock
};

}  // namespace

std::string SerializeKeyFile(const std::map<std::string, KeyRecord, std::less<>>& records) {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& [id, r] : records) {
    keys.push_back({{"key_id", r.key_id},
                    {"secret_sha256", ToHex(r.secret_sha256)},
                    {"role", RoleName(r.role)},
                    {"scope", r.scope},
                    {"label", r.label},
                    {"created_at_ms", r.created_at_ms},
                    {"revoked", r.revoked}});
  }
  nlohmann::json doc = {{"format", kFormat}, {"keys", std::move(keys)}};
  return doc.dump(2) + "\n";
}

Result<std::map<std::string, KeyRecord, std::less<>>> ParseKeyFile(std::string_view text) {
  std::map<std::string, KeyRecord, std::less<>> records;
  if (text.empty()) return records;
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Corrupt("not a JSON object");
  if (doc.value("format", std::string()) != kFormat) {
    return Corrupt("format is not " + std::string(kFormat));
  }
  const auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array()) return Corrupt("keys is not an array");
  for (size_t i = 0; i < keys->size(); ++i) {
    const nlohmann::json& k = (*keys)[i];
    const std::string where = "keys[" + std::to_string(i) + "]";
    if (!k.is_object()) return Corrupt(where + " is not an object");
    auto str = [&](const char* name) -> const std::string* {
      const auto it = k.find(name);
      return it != k.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
    };
    const std::string* id = str("key_id");
    const std::string* hash = str("secret_sha256");
    const std::string* role = str("role");
    const std::string* scope = str("scope");
    const std::string* label = str("label");
    const auto created = k.find("created_at_ms");
    const auto revoked = k.find("revoked");
    if (!id || !hash || !role || !scope || !label || created == k.end() ||
        !created->is_number_integer() || revoked == k.end() || !revoked->is_boolean()) {
      return Corrupt(where + " lacks a field or has one of the wrong type");
    }
    KeyRecord r;
    r.key_id = *id;
    if (!IsValidKeyId(r.key_id)) return Corrupt(where + ".key_id is not a key id");
    if (!FromHex(*hash, r.secret_sha256)) return Corrupt(where + ".secret_sha256 is not a hash");
    const auto parsed_role = ParseRole(*role);
    if (!parsed_role || !IsKeyedRole(*parsed_role)) return Corrupt(where + ".role is unknown");
    r.role = *parsed_role;
    r.scope = *scope;
    r.label = *label;
    r.created_at_ms = created->get<int64_t>();
    r.revoked = revoked->get<bool>();
    if (!records.emplace(r.key_id, r).second) return Corrupt(where + " repeats a key id");
  }
  return records;
}

Result<std::unique_ptr<FileKeyStore>> FileKeyStore::Open(std::string path) {
  auto store = std::unique_ptr<FileKeyStore>(new FileKeyStore(std::move(path)));
  std::lock_guard lock(store->mu_);
  if (Status s = store->RefreshLocked(); !s.ok()) return s;
  return store;
}

Status FileKeyStore::RefreshLocked() const {
  Stamp now;
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0) {
    now = {true,
           st.st_dev,
           st.st_ino,
           st.st_size,
           st.st_mtim.tv_sec * 1000000000L + st.st_mtim.tv_nsec,
           st.st_ctim.tv_sec * 1000000000L + st.st_ctim.tv_nsec};
  } else if (errno != ENOENT) {
    return Io("cannot stat", path_);
  }
  if (now == stamp_) return Status::Ok();
  auto text = ReadFile(path_);
  if (!text.ok()) return text.status();
  auto records = ParseKeyFile(*text);
  if (!records.ok()) return records.status();
  records_ = std::move(*records);
  stamp_ = now;
  return Status::Ok();
}

template <typename Change>
Status FileKeyStore::Update(Change change) {
  std::lock_guard lock(mu_);
  auto file_lock = FileLock::Take(path_);
  if (!file_lock.ok()) return file_lock.status();
  stamp_ = {};  // re-read under the file lock: another process may have written
  records_.clear();
  if (Status s = RefreshLocked(); !s.ok()) return s;
  Records next = records_;
  if (Status s = change(next); !s.ok()) return s;
  if (Status s = WriteAtomically(path_, SerializeKeyFile(next)); !s.ok()) return s;
  records_ = std::move(next);
  stamp_ = {};
  return RefreshLocked();
}

Result<std::optional<KeyRecord>> FileKeyStore::Find(std::string_view key_id) const {
  std::lock_guard lock(mu_);
  if (Status s = RefreshLocked(); !s.ok()) return s;
  auto it = records_.find(key_id);
  if (it == records_.end()) return std::optional<KeyRecord>();
  return std::optional<KeyRecord>(it->second);
}

Result<std::vector<KeyRecord>> FileKeyStore::List() const {
  std::lock_guard lock(mu_);
  if (Status s = RefreshLocked(); !s.ok()) return s;
  std::vector<KeyRecord> out;
  for (const auto& [id, record] : records_) out.push_back(record);
  return out;
}

Status FileKeyStore::Insert(const KeyRecord& record) {
  return Update([&](Records& records) { return InsertRecord(records, record); });
}

Status FileKeyStore::Revoke(std::string_view key_id) {
  return Update([&](Records& records) { return RevokeRecord(records, key_id); });
}

}  // namespace fapiao::api::auth
