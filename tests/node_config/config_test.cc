// Loading node.toml and consortium.toml: every bad value is refused with a
// config.* code and a message naming the file and the field.
// Scenarios (each edits one line of a freshly initialised consortium):
//   - node.toml: bad or missing port, unknown or misspelt key (top level and in a table),
//     member outside the consortium, missing key file, key of another member,
//     key readable by others, wrong types, insane consensus/mempool numbers,
//     TOML syntax error, an unreadable file.
//   - consortium.toml: bad suite, bad role, unknown or misspelt keys (reported
//     as unknown before anything else), members out of order, no tax bureau,
//     duplicate market or endpoint, bad tls key id (upper case accepted), key of
//     the wrong suite, missing genesis or CA file, a CA that is not a certificate.
//   - endpoints: host:port and [v6]:port accepted; others refused.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cctype>

#include "node/config_reader.h"
#include "node/init.h"
#include "tests/node_config/temp_dir.h"

using namespace fapiao;
using namespace fapiao::node;
using fapiao::test::TempDir;

namespace {

struct Fixture {
  Fixture() {
    InitOptions o;
    o.members = 4;
    o.dir = dir.path().string();
    o.genesis_time_ms = 1'763'700'000'000;
    Status s = InitConsortium(o);
    INFO(s.ToString());
    REQUIRE(s.ok());
  }
  std::string node_toml() const { return dir / "node1/node.toml"; }
  std::string consortium_toml() const { return dir / "consortium.toml"; }

  TempDir dir;
};

// Expects loading to fail with code, the message naming the file and field.
template <typename T>
void ExpectError(const Result<T>& r, const std::string& code, const std::string& file,
                 const std::string& field) {
  REQUIRE(!r.ok());
  INFO(r.status().ToString());
  CHECK(r.status().code() == code);
  CHECK_THAT(r.status().message(), Catch::StartsWith(file));
  CHECK_THAT(r.status().message(), Catch::Contains(": " + field + ": "));
}

}  // namespace

TEST_CASE("node.toml errors name the field", "[config]") {
  Fixture f;
  const std::string file = f.node_toml();
  REQUIRE(LoadNodeConfig(file).ok());

  SECTION("port out of range") {
    test::Replace(file, "listen = \"127.0.0.1:7101\"", "listen = \"127.0.0.1:99999\"");
    ExpectError(LoadNodeConfig(file), "config.endpoint", file, "p2p.listen");
  }
  SECTION("no port") {
    test::Replace(file, "listen = \"127.0.0.1:8101\"", "listen = \"127.0.0.1\"");
    ExpectError(LoadNodeConfig(file), "config.endpoint", file, "api.listen");
  }
  SECTION("unknown top-level key") {
    test::Replace(file, "verify_threads =", "verfy_threads =");
    ExpectError(LoadNodeConfig(file), "config.unknown_key", file, "verfy_threads");
  }
  SECTION("unknown key in a table") {
    test::Replace(file, "window =", "windw =");
    ExpectError(LoadNodeConfig(file), "config.unknown_key", file, "consensus.windw");
  }
  SECTION("misspelt key in [p2p]") {
    test::Replace(file, "listen = \"127.0.0.1:7101\"", "lisen = \"127.0.0.1:7101\"");
    ExpectError(LoadNodeConfig(file), "config.unknown_key", file, "p2p.lisen");
  }
  SECTION("misspelt required key") {
    test::Replace(file, "signing_key_file =", "signing_keyfile =");
    ExpectError(LoadNodeConfig(file), "config.unknown_key", file, "signing_keyfile");
  }
  SECTION("member outside the consortium") {
    test::Replace(file, "member = 1", "member = 9");
    ExpectError(LoadNodeConfig(file), "config.member", file, "member");
  }
  SECTION("missing signing key file") {
    test::Replace(file, "signing_key_file = \"signing.key\"", "signing_key_file = \"nope.key\"");
    ExpectError(LoadNodeConfig(file), "config.file", file, "signing_key_file");
  }
  SECTION("missing required key") {
    test::Replace(file, "tls_cert_file = \"tls.pem\"", "");
    ExpectError(LoadNodeConfig(file), "config.missing", file, "tls_cert_file");
  }
  SECTION("another member's signing key") {
    test::Replace(file, "signing_key_file = \"signing.key\"",
                  "signing_key_file = \"../node2/signing.key\"");
    ExpectError(LoadNodeConfig(file), "config.key", file, "signing_key_file");
  }
  SECTION("another member's certificate") {
    test::Replace(file, "tls_cert_file = \"tls.pem\"", "tls_cert_file = \"../node2/tls.pem\"");
    ExpectError(LoadNodeConfig(file), "config.key", file, "tls_cert_file");
  }
  SECTION("TLS key not matching the certificate") {
    test::Replace(file, "tls_key_file = \"tls.key\"", "tls_key_file = \"../node2/tls.key\"");
    ExpectError(LoadNodeConfig(file), "config.key", file, "tls_key_file");
  }
  SECTION("signing key readable by others") {
    REQUIRE(::chmod((f.dir / "node1/signing.key").c_str(), 0644) == 0);
    ExpectError(LoadNodeConfig(file), "config.permissions", file, "signing_key_file");
  }
  SECTION("string where a number belongs") {
    test::Replace(file, "verify_threads = 2", "verify_threads = \"2\"");
    ExpectError(LoadNodeConfig(file), "config.type", file, "verify_threads");
  }
  SECTION("negative number") {
    test::Replace(file, "batch_delay_ms = 5", "batch_delay_ms = -5");
    ExpectError(LoadNodeConfig(file), "config.range", file, "mempool.batch_delay_ms");
  }
  SECTION("window below the checkpoint interval") {
    test::Replace(file, "window = 64", "window = 8");
    ExpectError(LoadNodeConfig(file), "config.range", file, "consensus.window");
  }
  SECTION("zero checkpoint interval") {
    test::Replace(file, "checkpoint_interval = 16", "checkpoint_interval = 0");
    ExpectError(LoadNodeConfig(file), "config.range", file, "consensus.checkpoint_interval");
  }
  SECTION("batch larger than the mempool") {
    test::Replace(file, "max_pending_txs = 200000", "max_pending_txs = 10");
    ExpectError(LoadNodeConfig(file), "config.range", file, "mempool.batch_max_txs");
  }
  SECTION("log level") {
    test::Replace(file, "log_level = \"info\"", "log_level = \"loud\"");
    ExpectError(LoadNodeConfig(file), "config.range", file, "log_level");
  }
  SECTION("a bad consortium file is reported as such") {
    test::Replace(f.consortium_toml(), "suite = \"ed25519-sha256\"", "suite = \"ed448\"");
    ExpectError(LoadNodeConfig(file), "config.suite", f.consortium_toml(), "suite");
  }
}

TEST_CASE("syntax errors and unreadable files", "[config]") {
  Fixture f;
  const std::string file = f.node_toml();
  test::Replace(file, "sync = true", "sync = tru");
  auto r = LoadNodeConfig(file);
  REQUIRE(!r.ok());
  CHECK(r.status().code() == "config.syntax");
  CHECK_THAT(r.status().message(), Catch::StartsWith(file + ": line "));

  auto missing = LoadNodeConfig(f.dir / "node9/node.toml");
  REQUIRE(!missing.ok());
  CHECK(missing.status().code() == "config.file");
}

TEST_CASE("defaults apply when optional keys are left out", "[config]") {
  Fixture f;
  const std::string file = f.node_toml();
  test::WriteAll(file,
                 "member = 1\n"
                 "consortium_file = \"../consortium.toml\"\n"
                 "signing_key_file = \"signing.key\"\n"
                 "tls_cert_file = \"tls.pem\"\n"
                 "tls_key_file = \"tls.key\"\n");
  auto n = LoadNodeConfig(file);
  INFO((n.ok() ? "" : n.status().ToString()));
  REQUIRE(n.ok());
  const NodeConfig d;
  CHECK(n->data_dir == f.dir / "node1/data");
  CHECK(n->log_dir == f.dir / "node1/logs");
  CHECK(n->crl_file.empty());
  CHECK(n->p2p_listen.ToString() == "127.0.0.1:7101");
  CHECK(n->api_listen.ToString() == "127.0.0.1:8101");
  CHECK(n->log_level == d.log_level);
  CHECK(n->verify_threads == d.verify_threads);
  CHECK(n->sync == d.sync);
  CHECK(n->consensus.window == d.consensus.window);
  CHECK(n->mempool.batch_max_txs == d.mempool.batch_max_txs);
}

TEST_CASE("consortium.toml errors name the field", "[config]") {
  Fixture f;
  const std::string file = f.consortium_toml();
  REQUIRE(LoadConsortium(file).ok());

  SECTION("bad suite") {
    test::Replace(file, "suite = \"ed25519-sha256\"", "suite = \"ed448\"");
    ExpectError(LoadConsortium(file), "config.suite", file, "suite");
  }
  SECTION("bad role") {
    test::Replace(file, "role = \"tax_bureau\"", "role = \"tax_office\"");
    ExpectError(LoadConsortium(file), "config.role", file, "members[2].role");
  }
  SECTION("unknown key in a member") {
    test::Replace(file, "name = \"reimbursing-org-3\"", "name = \"reimbursing-org-3\"\ncolour = 1");
    ExpectError(LoadConsortium(file), "config.unknown_key", file, "members[3].colour");
  }
  SECTION("misspelt required key in a member") {
    test::Replace(file, "name = \"payment-provider-1\"", "nam = \"payment-provider-1\"");
    ExpectError(LoadConsortium(file), "config.unknown_key", file, "members[1].nam");
  }
  SECTION("misspelt optional key in a member") {
    test::Replace(file, "markets = [", "market = [");
    ExpectError(LoadConsortium(file), "config.unknown_key", file, "members[0].market");
  }
  SECTION("missing required key in a member") {
    test::Replace(file, "name = \"payment-provider-1\"", "");
    ExpectError(LoadConsortium(file), "config.missing", file, "members[1].name");
  }
  SECTION("no markets on an operator") {
    test::Replace(file, "markets = [\"puer-simao\"]", "markets = []");
    ExpectError(LoadConsortium(file), "config.markets", file, "members[0].markets");
  }
  SECTION("upper-case TLS key id is accepted") {
    auto before = LoadConsortium(file);
    REQUIRE(before.ok());
    const std::string id = before->members[0].tls_key_id;
    std::string upper = id;
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    test::Replace(file, id, upper);
    auto after = LoadConsortium(file);
    REQUIRE(after.ok());
    CHECK(after->members[0].tls_key_id == id);
  }
  SECTION("unknown top-level key") {
    test::Replace(file, "channel = \"1\"", "channel = \"1\"\nchanel = \"1\"");
    ExpectError(LoadConsortium(file), "config.unknown_key", file, "chanel");
  }
  SECTION("members out of order") {
    test::Replace(file, "index = 1", "index = 5");
    ExpectError(LoadConsortium(file), "config.member", file, "members[1].index");
  }
  SECTION("no tax bureau") {
    test::Replace(file, "role = \"tax_bureau\"", "role = \"reimbursing_org\"");
    ExpectError(LoadConsortium(file), "config.members", file, "members");
  }
  SECTION("duplicate market") {
    test::Replace(file, "role = \"payment_provider\"",
                  "role = \"market_operator\"\nmarkets = [\"puer-simao\"]");
    ExpectError(LoadConsortium(file), "config.duplicate", file, "members[1].markets");
  }
  SECTION("a market on a non-operator") {
    test::Replace(file, "name = \"payment-provider-1\"",
                  "name = \"payment-provider-1\"\nmarkets = [\"puer-simao\"]");
    ExpectError(LoadConsortium(file), "config.markets", file, "members[1].markets");
  }
  SECTION("bad endpoint") {
    test::Replace(file, "p2p = \"127.0.0.1:7102\"", "p2p = \"127.0.0.1:0\"");
    ExpectError(LoadConsortium(file), "config.endpoint", file, "members[2].p2p");
  }
  SECTION("duplicate endpoint") {
    test::Replace(file, "p2p = \"127.0.0.1:7102\"", "p2p = \"127.0.0.1:7101\"");
    ExpectError(LoadConsortium(file), "config.duplicate", file, "members[2].p2p");
  }
  SECTION("bad tls key id") {
    test::Replace(file, "tls_key_id = \"", "tls_key_id = \"zz");
    ExpectError(LoadConsortium(file), "config.key", file, "members[0].tls_key_id");
  }
  SECTION("signing key not of the suite") {
    test::Replace(file, "suite = \"ed25519-sha256\"", "suite = \"sm2-sm3\"");
    ExpectError(LoadConsortium(file), "config.key", file, "members[0].signing_public_key");
  }
  SECTION("province code") {
    test::Replace(file, "province_code = \"53\"", "province_code = \"530\"");
    ExpectError(LoadConsortium(file), "config.range", file, "province_code");
  }
  SECTION("missing genesis file") {
    std::filesystem::remove(f.dir / "genesis.block");
    ExpectError(LoadConsortium(file), "config.file", file, "genesis_file");
  }
  SECTION("missing CA file") {
    std::filesystem::remove(f.dir / "ca/ca.pem");
    ExpectError(LoadConsortium(file), "config.file", file, "ca_file");
  }
  SECTION("CA file is not a certificate") {
    test::WriteAll(f.dir / "ca/ca.pem", "not a certificate\n");
    ExpectError(LoadConsortium(file), "config.certificate", file, "ca_file");
  }
}

TEST_CASE("endpoints", "[config]") {
  using config_internal::ParseEndpoint;
  auto v4 = ParseEndpoint("127.0.0.1:7100");
  REQUIRE(v4);
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->port == 7100);
  auto v6 = ParseEndpoint("[::1]:65535");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 65535);
  CHECK(ParseEndpoint("node-1.example:80"));
  for (const char* bad : {"", "7100", ":7100", "host:", "host:0", "host:65536", "host:+80",
                          "host:80x", "::1:80", "[::1]80", "a b:80"}) {
    INFO(bad);
    CHECK(!ParseEndpoint(bad));
  }
}

TEST_CASE("a warped ledger clock for benchmarks", "[config][clock]") {
  Fixture f;
  const std::string file = f.node_toml();
  CHECK_FALSE(LoadNodeConfig(file)->clock.warped());  // production default: the wall clock

  std::string text = test::ReadAll(file);
  test::WriteAll(file, text +
                           "\n[clock]\norigin_ms = 1735660800000\nanchor_ms = 1795000000000\n"
                           "rate = 60000\n");
  auto n = LoadNodeConfig(file);
  INFO((n.ok() ? "" : n.status().ToString()));
  REQUIRE(n.ok());
  const ClockSettings& c = n->clock;
  REQUIRE(c.warped());
  // Ledger time is the origin at the anchor, then runs `rate` times faster.
  CHECK(LedgerTimeMs(c, 1'795'000'000'000) == 1'735'660'800'000);
  CHECK(LedgerTimeMs(c, 1'795'000'001'000) == 1'735'660'800'000 + 60'000'000);
  CHECK(LedgerTimeMs(c, 1'794'000'000'000) == 1'735'660'800'000);
  // Warped nodes tolerate the same wall-clock skew as unwarped ones.
  CHECK(MaxSkewMs(c, 60'000) == 60'000ull * 60'000);
  CHECK(LedgerTimeMs(ClockSettings{}, 42) == 42);
  CHECK(MaxSkewMs(ClockSettings{}, 60'000) == 60'000);

  SECTION("rate out of range") {
    test::Replace(file, "rate = 60000", "rate = 0");
    ExpectError(LoadNodeConfig(file), "config.range", file, "clock.rate");
  }
  SECTION("origin required") {
    test::Replace(file, "origin_ms = 1735660800000", "");
    ExpectError(LoadNodeConfig(file), "config.missing", file, "clock.origin_ms");
  }
  SECTION("misspelt key") {
    test::Replace(file, "anchor_ms =", "ancor_ms =");
    ExpectError(LoadNodeConfig(file), "config.unknown_key", file, "clock.ancor_ms");
  }
}
