// FileAuditLog: the hash chain, its verification on open, and that every tax
// query is recorded (GET /v1/tax/audit exports it, recording itself).
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "tests/tax/fixture.h"

namespace fapiao::api::tax::test {
namespace {

using nlohmann::json;

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const std::filesystem::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << s;
}

std::vector<json> Lines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

AuditEntry Entry(const std::string& target) {
  return {1700000000000, "key-1", "officer-7", "GET", target};
}

TEST_CASE("FileAuditLog chains its lines and reopens verified", "[tax][audit]") {
  const auto dir = MakeTempDir();
  const auto path = (dir / "a.log").string();
  {
    auto log = FileAuditLog::Open(path);
    REQUIRE(log.ok());
    REQUIRE((*log)->Append(Entry("/v1/tax/invoices?vendor=v-1")).ok());
    REQUIRE((*log)->Append(Entry("/v1/tax/invoices?market=M1")).ok());
    CHECK((*log)->size() == 2);
  }
  const auto lines = Lines(ReadAll(path));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["seq"] == 1);
  CHECK(lines[0]["prev"] == std::string(64, '0'));
  CHECK(lines[0]["target"] == "/v1/tax/invoices?vendor=v-1");
  CHECK(lines[0]["officer"] == "officer-7");
  CHECK(lines[0]["key_id"] == "key-1");
  CHECK(lines[1]["seq"] == 2);
  CHECK(lines[1]["prev"] == lines[0]["hash"]);
  CHECK(lines[1]["hash"].get<std::string>().size() == 64);

  auto reopened = FileAuditLog::Open(path);
  REQUIRE(reopened.ok());
  CHECK((*reopened)->size() == 2);
  REQUIRE((*reopened)->Append(Entry("/v1/tax/audit")).ok());
  const auto after = Lines(ReadAll(path));
  REQUIRE(after.size() == 3);
  CHECK(after[2]["seq"] == 3);
  CHECK(after[2]["prev"] == after[1]["hash"]);
  std::filesystem::remove_all(dir);
}

TEST_CASE("FileAuditLog refuses to open a tampered log", "[tax][audit]") {
  const auto dir = MakeTempDir();
  const auto path = dir / "a.log";
  {
    auto log = FileAuditLog::Open(path.string());
    REQUIRE(log.ok());
    for (int i = 0; i < 3; ++i) {
      REQUIRE((*log)->Append(Entry("/v1/tax/invoices?limit=" + std::to_string(i + 1))).ok());
    }
  }
  const std::string original = ReadAll(path);
  auto lines = Lines(original);
  const auto dump = [](const std::vector<json>& ls) {
    std::string s;
    for (const auto& l : ls) s += l.dump() + "\n";
    return s;
  };

  SECTION("an edited field") {
    lines[1]["target"] = "/v1/tax/invoices?limit=9";
    WriteAll(path, dump(lines));
  }
  SECTION("an edited field with its hash recomputed breaks the next prev") {
    // Without the right hash the edit is caught on its own line; with a forged hash, the
    // next line's prev no longer matches.
    lines[1]["officer"] = "someone-else";
    lines[1]["hash"] = std::string(64, 'a');
    WriteAll(path, dump(lines));
  }
  SECTION("a removed line") {
    lines.erase(lines.begin() + 1);
    WriteAll(path, dump(lines));
  }
  SECTION("a truncated last line") {
    WriteAll(path, original.substr(0, original.size() - 5));
  }
  SECTION("a line that is not JSON") {
    WriteAll(path, original + "garbage\n");
  }
  auto log = FileAuditLog::Open(path.string());
  REQUIRE_FALSE(log.ok());
  CHECK(log.status().code() == "audit.chain_broken");
  std::filesystem::remove_all(dir);
}

TEST_CASE("FileAuditLog cannot open a folder", "[tax][audit]") {
  const auto dir = MakeTempDir();
  auto log = FileAuditLog::Open(dir.string());
  REQUIRE_FALSE(log.ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fapiao::api::tax::test
