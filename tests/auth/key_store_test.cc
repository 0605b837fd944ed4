// Key stores: the in-memory store and the JSON file store (hash-only records,
// 0600, atomic rewrite, reload when another process changed the file).
#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include <sys/stat.h>

#include "api/auth/file_key_store.h"
#include "api/auth/keys.h"
#include "tests/node_config/temp_dir.h"

namespace fapiao::api::auth {
namespace {

// Deterministic random source: byte i of call n is (n * 31 + i).
RandomBytes Counter() {
  auto calls = std::make_shared<int>(0);
  return [calls](std::span<uint8_t> out) {
    const int n = ++*calls;
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(n * 31 + i);
    return Status::Ok();
  };
}

KeyRecord Record(std::string id) {
  KeyRecord r;
  r.key_id = std::move(id);
  r.secret_sha256 = HashSecret(Secret{});
  r.role = Role::kVendor;
  r.scope = "v-1";
  r.label = "stall 1";
  r.created_at_ms = 1760000000000;
  return r;
}

void ExerciseStore(KeyStore& store) {
  auto empty = store.List();
  REQUIRE(empty.ok());
  CHECK(empty->empty());
  REQUIRE(store.Insert(Record("00000000000000bb")).ok());
  REQUIRE(store.Insert(Record("00000000000000aa")).ok());
  CHECK(store.Insert(Record("00000000000000aa")).code() == "auth.key_exists");

  auto found = store.Find("00000000000000aa");
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->scope == "v-1");
  CHECK((*found)->label == "stall 1");
  CHECK((*found)->created_at_ms == 1760000000000);
  CHECK_FALSE((*found)->revoked);
  auto missing = store.Find("00000000000000cc");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());

  REQUIRE(store.Revoke("00000000000000aa").ok());
  REQUIRE(store.Revoke("00000000000000aa").ok());  // idempotent
  CHECK(store.Revoke("00000000000000cc").code() == "auth.unknown_key");
  auto list = store.List();
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].key_id == "00000000000000aa");  // ordered by key id
  CHECK((*list)[0].revoked);
  CHECK_FALSE((*list)[1].revoked);
}

TEST_CASE("key store: memory store insert, find, list, revoke") {
  MemoryKeyStore store;
  ExerciseStore(store);
}

TEST_CASE("key store: file store behaves like the memory store and persists") {
  test::TempDir dir;
  const std::string path = dir / "api-keys.json";
  {
    auto store = FileKeyStore::Open(path);
    REQUIRE(store.ok());
    CHECK_FALSE(std::filesystem::exists(path));  // created on first write
    ExerciseStore(**store);
  }
  auto reopened = FileKeyStore::Open(path);
  REQUIRE(reopened.ok());
  auto list = (*reopened)->List();
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].revoked);
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_CASE("key store: the file is 0600 and holds the hash, never the secret") {
  test::TempDir dir;
  const std::string path = dir / "api-keys.json";
  auto store = FileKeyStore::Open(path);
  REQUIRE(store.ok());
  auto issued = IssueKey(**store, Role::kVendor, "v-123", "stall 12", 1, OpenSslRandomBytes);
  REQUIRE(issued.ok());
  auto parsed = ParseToken(issued->token);
  REQUIRE(parsed.ok());

  const std::string text = test::ReadAll(path);
  CHECK(text.find(ToHex(parsed->secret)) == std::string::npos);
  CHECK(text.find(issued->token) == std::string::npos);
  CHECK(text.find(ToHex(HashSecret(parsed->secret))) != std::string::npos);
  CHECK(text.find("\"v-123\"") != std::string::npos);
  CHECK(text.find("\"stall 12\"") != std::string::npos);

  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("key store: a reader sees keys added and revoked by another writer") {
  test::TempDir dir;
  const std::string path = dir / "api-keys.json";
  auto node = FileKeyStore::Open(path);  // the running node
  auto cli = FileKeyStore::Open(path);   // `fapiaod keys` in another process
  REQUIRE(node.ok());
  REQUIRE(cli.ok());
  auto issued = IssueKey(**cli, Role::kTaxOfficer, "officer-7", "", 5, Counter());
  REQUIRE(issued.ok());
  const std::string header = "Bearer " + issued->token;
  REQUIRE(Authenticate(**node, header).ok());
  REQUIRE((*cli)->Revoke(issued->record.key_id).ok());
  auto after = Authenticate(**node, header);
  REQUIRE_FALSE(after.ok());
  CHECK(after.status().code() == "auth.revoked");
  // Two writers do not lose each other's keys.
  auto same_id = IssueKey(**node, Role::kVendor, "v-1", "", 6, Counter());
  REQUIRE_FALSE(same_id.ok());
  CHECK(same_id.status().code() == "auth.key_exists");
  REQUIRE(IssueKey(**node, Role::kVendor, "v-1", "", 6, OpenSslRandomBytes).ok());
  auto list = (*cli)->List();
  REQUIRE(list.ok());
  CHECK(list->size() == 2);
}

TEST_CASE("key store: an invalid file is auth.store_corrupt") {
  test::TempDir dir;
  const std::string path = dir / "api-keys.json";
  const std::string good = SerializeKeyFile({{"00000000000000aa", Record("00000000000000aa")}});
  REQUIRE(ParseKeyFile(good).ok());
  const std::string cases[] = {
      "not json",
      "[]",
      R"({"format":"other","keys":[]})",
      R"({"format":"fapiao-api-keys/1"})",
      R"({"format":"fapiao-api-keys/1","keys":[1]})",
      R"({"format":"fapiao-api-keys/1","keys":[{"key_id":"00000000000000aa"}]})",
  };
  for (const std::string& text : cases) {
    INFO(text);
    test::WriteAll(path, text);
    auto store = FileKeyStore::Open(path);
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == "auth.store_corrupt");
  }
  std::string bad_role = good;
  bad_role.replace(bad_role.find("\"vendor\""), 8, "\"buyer\"");
  CHECK(ParseKeyFile(bad_role).status().code() == "auth.store_corrupt");
}

}  // namespace
}  // namespace fapiao::api::auth
