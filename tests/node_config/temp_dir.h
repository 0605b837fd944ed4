// A fresh folder under the system temp folder, removed with everything in it
// when the object goes out of scope, and small file edits for config tests.
// Not thread-safe; one per test.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace fapiao::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string ReadAll(const std::string& path);
void WriteAll(const std::string& path, std::string_view content);
// Replaces the first occurrence of `from` (which must be there) with `to`.
void Replace(const std::string& path, std::string_view from, std::string_view to);

}  // namespace fapiao::test
