#include "consensus/driver/wal.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace fapiao::consensus {

namespace {

constexpr size_t kMaxRecord = 64u << 20;

Status Io(const std::string& what, const std::string& path) {
  return Status::Error("wal.io_error", what + " " + path + ": " + std::strerror(errno));
}

uint32_t Crc(ByteView b) {
  return static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(b.data()), static_cast<uInt>(b.size())));
}

Bytes Frame(std::span<const Bytes> records) {
  Bytes out;
  for (const auto& r : records) {
    AppendU32(out, static_cast<uint32_t>(r.size()));
    AppendU32(out, Crc(r));
    out.append(r);
  }
  return out;
}

bool WriteAll(int fd, ByteView data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

Status SyncDir(const std::string& path) {
  const auto dir = std::filesystem::path(path).parent_path();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd < 0) return Io("open folder of", path);
  const int rc = ::fsync(dfd);
  ::close(dfd);
  return rc == 0 ? Status::Ok() : Io("fsync folder of", path);
}

}  // namespace

Result<std::unique_ptr<Wal>> Wal::Open(const std::string& path, bool sync) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Io("open", path);
  std::unique_ptr<Wal> wal(new Wal(path, fd, sync));
  Bytes content;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Io("read", path);
    }
    if (n == 0) break;
    content.append(buf, static_cast<size_t>(n));
  }
  size_t pos = 0;
  while (content.size() - pos >= 8) {
    const uint32_t len = ReadU32(ByteView(content).substr(pos));
    const uint32_t crc = ReadU32(ByteView(content).substr(pos + 4));
    if (len > kMaxRecord || content.size() - pos - 8 < len) break;
    ByteView payload = ByteView(content).substr(pos + 8, len);
    if (Crc(payload) != crc) break;
    wal->records_.emplace_back(payload);
    pos += 8 + len;
  }
  if (pos != content.size()) {
    // A torn or corrupt tail: everything after the last good record goes.
    wal->torn_ = content.size() - pos;
    if (::ftruncate(fd, static_cast<off_t>(pos)) != 0 || ::fsync(fd) != 0)
      return Io("truncate", path);
  }
  wal->size_ = pos;
  if (::lseek(fd, static_cast<off_t>(pos), SEEK_SET) < 0) return Io("seek", path);
  return wal;
}

Wal::~Wal() {
  if (fd_ >= 0) ::close(fd_);
}

Status Wal::Append(std::span<const Bytes> records) {
  if (records.empty()) return Status::Ok();
  const Bytes data = Frame(records);
  if (!WriteAll(fd_, data)) return Io("append to", path_);
  if (sync_ && ::fdatasync(fd_) != 0) return Io("fdatasync", path_);
  size_ += data.size();
  return Status::Ok();
}

Status Wal::Rewrite(std::span<const Bytes> records) {
  const std::string tmp = path_ + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Io("open", tmp);
  const Bytes data = Frame(records);
  if (!WriteAll(fd, data) || (sync_ && ::fsync(fd) != 0)) {
    ::close(fd);
    return Io("write", tmp);
  }
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    ::close(fd);
    return Io("rename", tmp);
  }
  if (sync_) {
    if (Status s = SyncDir(path_); !s.ok()) {
      ::close(fd);
      return s;
    }
  }
  ::close(fd_);
  fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  ::close(fd);
  if (fd_ < 0) return Io("reopen", path_);
  size_ = data.size();
  return Status::Ok();
}

}  // namespace fapiao::consensus
