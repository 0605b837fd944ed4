// `fapiaod keys add|list|revoke` through CLI11, against a temporary data dir.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "api/auth/file_key_store.h"
#include "api/auth/keys.h"
#include "api/auth/keys_command.h"
#include "tests/node_config/temp_dir.h"

namespace fapiao::api::auth {
namespace {

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

struct Cli {
  test::TempDir dir;

  Run operator()(std::vector<std::string> args) const {
    CLI::App app{"fapiaod"};
    app.require_subcommand(1);
    KeysCommands keys(app, [this](const std::string& config) -> Result<std::string> {
      if (config != "node.toml") return Status::Error("config.io", "cannot read " + config);
      return dir.path().string();
    });
    keys.set_clock([] { return int64_t{1767225600000}; });  // 2026-01-01T00:00:00Z
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app.parse(reversed);
    REQUIRE(keys.selected());
    std::ostringstream out, err;
    Run r;
    r.code = keys.Run(out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
  }
};

TEST_CASE("keys command: add prints the token once, list never shows it, revoke") {
  Cli cli;
  const Run add = cli({"keys", "add", "--config", "node.toml", "--role", "vendor", "--scope",
                       "v-123", "--label", "stall 12"});
  REQUIRE(add.code == 0);
  std::string token = add.out;
  REQUIRE(token.ends_with("\n"));
  token.pop_back();
  auto parsed = ParseToken(token);
  REQUIRE(parsed.ok());
  CHECK(add.err.find(parsed->key_id) != std::string::npos);

  const std::string file = test::ReadAll(cli.dir / "api-keys.json");
  CHECK(file.find(ToHex(parsed->secret)) == std::string::npos);

  const Run list = cli({"keys", "list", "--config", "node.toml"});
  REQUIRE(list.code == 0);
  CHECK(list.out.find(parsed->key_id) != std::string::npos);
  CHECK(list.out.find("vendor") != std::string::npos);
  CHECK(list.out.find("v-123") != std::string::npos);
  CHECK(list.out.find("stall 12") != std::string::npos);
  CHECK(list.out.find("2026-01-01T00:00:00Z") != std::string::npos);
  CHECK(list.out.find(ToHex(parsed->secret)) == std::string::npos);
  CHECK(list.out.find(" no ") != std::string::npos);

  auto store = FileKeyStore::Open(cli.dir / "api-keys.json");
  REQUIRE(store.ok());
  REQUIRE(Authenticate(**store, "Bearer " + token).ok());

  const Run revoke = cli({"keys", "revoke", "--config", "node.toml", parsed->key_id});
  REQUIRE(revoke.code == 0);
  CHECK(revoke.out.find(parsed->key_id) != std::string::npos);
  CHECK(Authenticate(**store, "Bearer " + token).status().code() == "auth.revoked");
  const Run after = cli({"keys", "list", "--config", "node.toml"});
  CHECK(after.out.find(" yes ") != std::string::npos);
}

TEST_CASE("keys command: errors exit 1 with a coded message and change nothing") {
  Cli cli;
  struct Case {
    std::vector<std::string> args;
    std::string code;
  };
  const Case cases[] = {
      {{"keys", "add", "--config", "other.toml", "--role", "vendor", "--scope", "v-1"},
       "config.io"},
      {{"keys", "add", "--config", "node.toml", "--role", "buyer", "--scope", "v-1"},
       "auth.bad_role"},
      {{"keys", "add", "--config", "node.toml", "--role", "admin", "--scope", "v-1"},
       "auth.bad_role"},
      {{"keys", "add", "--config", "node.toml", "--role", "vendor", "--scope", "v 1"},
       "auth.bad_scope"},
      {{"keys", "revoke", "--config", "node.toml", "0123456789abcdef"}, "auth.unknown_key"},
      {{"keys", "revoke", "--config", "node.toml", "fpk_0123"}, "auth.malformed"},
  };
  for (const Case& c : cases) {
    INFO(c.code);
    const Run r = cli(c.args);
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.find(c.code) != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(cli.dir / "api-keys.json"));
}

TEST_CASE("keys command: other subcommands are not keys") {
  CLI::App app{"fapiaod"};
  app.add_subcommand("status", "");
  KeysCommands keys(app, [](const std::string&) -> Result<std::string> { return std::string(); });
  app.parse(std::vector<std::string>{"status"});
  CHECK_FALSE(keys.selected());
}

}  // namespace
}  // namespace fapiao::api::auth
