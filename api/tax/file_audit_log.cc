#include "api/tax/file_audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace fapiao::api::tax {

namespace {

const std::string kGenesisPrev(64, '0');

// Hex SHA-256 of the canonical JSON (sorted keys, no spaces) of `line` without "hash".
std::string LineHash(const Hasher& hasher, nlohmann::json line) {
  line.erase("hash");
  const std::string canonical = line.dump();
  return hasher.Digest(canonical).ToHex();
}

Status Broken(uint64_t line, const std::string& why) {
  return Status::Error("audit.chain_broken", "audit log line " + std::to_string(line) + ": " + why);
}

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<FileAuditLog>> FileAuditLog::Open(const std::string& path) {
  auto suite = CryptoSuite::Create(SuiteId::kEd25519Sha256);
  std::string contents;
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream ss;
      ss << in.rdbuf();
      contents = ss.str();
    }
  }
  uint64_t seq = 0;
  std::string last = kGenesisPrev;
  size_t pos = 0;
  while (pos < contents.size()) {
    const size_t end = contents.find('\n', pos);
    if (end == std::string::npos) return Broken(seq + 1, "unterminated line");
    auto line = nlohmann::json::parse(contents.substr(pos, end - pos), nullptr, false);
    pos = end + 1;
    const uint64_t n = seq + 1;
    if (!line.is_object()) return Broken(n, "not a JSON object");
    const auto s = line.find("seq");
    if (s == line.end() || !s->is_number_unsigned() || s->get<uint64_t>() != n) {
      return Broken(n, "seq is not " + std::to_string(n));
    }
    const auto prev = line.find("prev");
    if (prev == line.end() || !prev->is_string() || prev->get<std::string>() != last) {
      return Broken(n, "prev does not match the previous line's hash");
    }
    const auto hash = line.find("hash");
    if (hash == line.end() || !hash->is_string()) return Broken(n, "no hash");
    const std::string expected = LineHash(suite->hasher(), line);
    if (hash->get<std::string>() != expected) return Broken(n, "hash does not match its content");
    last = expected;
    seq = n;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::Error("audit.open_failed", path + ": " + std::strerror(errno));
  }
  auto log = std::unique_ptr<FileAuditLog>(new FileAuditLog(path, fd, seq, last, contents.size()));
  log->suite_ = std::move(suite);
  return log;
}

FileAuditLog::FileAuditLog(std::string path, int fd, uint64_t seq, std::string last_hash,
                           uint64_t bytes)
    : path_(std::move(path)), fd_(fd), seq_(seq), last_hash_(std::move(last_hash)), bytes_(bytes) {}

FileAuditLog::~FileAuditLog() {
  ::close(fd_);
}

Status FileAuditLog::Append(const AuditEntry& entry) {
  std::lock_guard lock(mu_);
  nlohmann::json line = {{"seq", seq_ + 1},        {"at_ms", entry.at_ms},
                         {"key_id", entry.key_id}, {"officer", entry.officer},
                         {"method", entry.method}, {"target", entry.target},
                         {"prev", last_hash_}};
  const std::string hash = LineHash(suite_->hasher(), line);
  line["hash"] = hash;
  const std::string text = line.dump() + "\n";
  if (!WriteAll(fd_, text) || ::fsync(fd_) != 0) {
    const std::string why = std::strerror(errno);
    // Drop a partial line so the chain stays verifiable.
    if (::ftruncate(fd_, static_cast<off_t>(bytes_)) != 0) {
      return Status::Error("audit.write_failed", path_ + ": " + why + " (and truncate failed)");
    }
    return Status::Error("audit.write_failed", path_ + ": " + why);
  }
  ++seq_;
  last_hash_ = hash;
  bytes_ += text.size();
  return Status::Ok();
}

Result<std::string> FileAuditLog::Export() const {
  std::lock_guard lock(mu_);
  std::ifstream in(path_, std::ios::binary);
  if (!in) return Status::Error("audit.open_failed", path_ + ": cannot read");
  std::string out(bytes_, '\0');
  in.read(out.data(), static_cast<std::streamsize>(bytes_));
  if (static_cast<uint64_t>(in.gcount()) != bytes_) {
    return Status::Error("audit.open_failed", path_ + ": short read");
  }
  return out;
}

uint64_t FileAuditLog::size() const {
  std::lock_guard lock(mu_);
  return seq_;
}

}  // namespace fapiao::api::tax
