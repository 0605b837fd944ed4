// The `fapiao` binary against a real 4-node consortium (tests/node/cluster.h):
// member 0 operates market puer-simao, member 1 is a payment provider.
// Scenarios, in order on one consortium:
//   1. attest prints the payment with its claim token and claim_url (exit 0);
//   2. a bad amount exits 1 with "request.invalid_amount: ... (/amount_fen)" on stderr;
//   3. no key exits 1 with auth.missing; an unreachable node exits 3; a bad --claim exits 2;
//   4. issue by the buyer's claim prints the invoice number; the same claim again is claim.used;
//   5. get invoice (by claim), payment (provider key, from FAPIAO_API/FAPIAO_KEY), vendor;
//      get invoice --qr png --out writes a PNG; an unknown invoice is invoice.unknown, and
//      the operator's key may not read invoices (auth.forbidden); the vendor's key may;
//   6. the vendor's key issuing from a payment nobody requested: invoice.not_requested.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>

#include "tests/node/cluster.h"
#include "tests/tools/run_process.h"
#include "tools/fapiao/http_client.h"

namespace {

using fapiao::testing::Cluster;
using fapiao::testing::ProcessResult;
using fapiao::testing::RunProcess;
using namespace std::chrono_literals;

ProcessResult Cli(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
  args.insert(args.begin(), FAPIAO_CLI_PATH);
  return RunProcess(args, env);
}

std::string AddKey(const Cluster& c, uint32_t member, const std::string& role,
                   const std::string& scope) {
  auto r = RunProcess({FAPIAOD_PATH, "keys", "add", "--config",
                       c.dir() + "/node" + std::to_string(member) + "/node.toml", "--role", role,
                       "--scope", scope, "--label", "cli test"});
  REQUIRE(r.rc == 0);
  std::string token = r.out;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  REQUIRE(token.rfind("fpk_", 0) == 0);
  return token;
}

}  // namespace

TEST_CASE("fapiao attest, issue and get drive a real consortium", "[tools][integration]") {
  Cluster c(4, "ed25519-sha256");
  for (uint32_t i = 0; i < 4; ++i) c.Start(i);
  REQUIRE(Cluster::WaitFor(30s, [&] {
    for (uint32_t i = 0; i < 4; ++i) {
      if (!c.Height(i)) return false;
    }
    return true;
  }));
  INFO("cluster folder " << c.dir());
  const std::string op_api = "http://127.0.0.1:" + std::to_string(c.api_port(0));
  const std::string pay_api = "http://127.0.0.1:" + std::to_string(c.api_port(1));
  const std::string op_key = AddKey(c, 0, "market_operator", "puer-simao");
  const std::string pay_key = AddKey(c, 1, "payment_provider", "1");

  // The vendor, registered through the same client library the CLI uses.
  fapiao::client::HttpClient op(*fapiao::client::ParseApiUrl(op_api), 60s);
  const nlohmann::json vendor = {
      {"vendor_id", "v-1"},
      {"name", "Auntie Li greens"},
      {"market", "puer-simao"},
      {"stall", "A-12"},
      {"taxpayer_id", {{"kind", "uscc"}, {"value", "92530800MA6N0K3X27"}}},
      {"taxpayer_type", "small_scale"},
      {"defaults",
       {{{"item_class", "vegetables"},
         {"treatment", {{"treatment", "exempt"}, {"policy_code", "VEG-RETAIL"}}}}}}};
  auto registered = op.Call("POST", "/v1/vendors", vendor.dump(), op_key);
  REQUIRE(registered.ok());
  REQUIRE(registered->status == 201);

  // 1. attest
  const auto minute_ago = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch() - 60s)
                              .count();
  auto attest = Cli({"attest", "--api", pay_api, "--key", pay_key, "--vendor", "v-1",
                     "--amount-fen", "1250", "--reference", "R-0001", "--paid-at",
                     std::to_string(minute_ago), "--item", "tomatoes:2.5:5:1250"});
  INFO("stderr: " << attest.err);
  REQUIRE(attest.rc == 0);
  const auto payment = nlohmann::json::parse(attest.out);
  const std::string token = payment.at("claim_token");
  CHECK(token.size() == 32);
  CHECK(payment.at("claim_url").get<std::string>().find("/buyer/claim?provider=1&ref=R-0001") !=
        std::string::npos);
  CHECK(payment.at("payment").at("amount_fen") == 1250);
  CHECK(payment.at("payment").at("paid_at_ms") == minute_ago);

  // 2. a bad amount: the node's problem, on stderr, exit 1
  auto bad = Cli({"attest", "--api", pay_api, "--key", pay_key, "--vendor", "v-1", "--amount-fen",
                  "12.5", "--reference", "R-0002"});
  CHECK(bad.rc == 1);
  CHECK(bad.out.empty());
  CHECK(bad.err.rfind("request.invalid_amount: ", 0) == 0);
  CHECK(bad.err.find("(/amount_fen)") != std::string::npos);

  // 3. no key, no node, bad usage
  auto nokey = Cli({"attest", "--api", pay_api, "--vendor", "v-1", "--amount-fen", "100",
                    "--reference", "R-0003"});
  CHECK(nokey.rc == 1);
  CHECK(nokey.err.rfind("auth.missing: ", 0) == 0);
  auto down = Cli({"get", "--api", "http://127.0.0.1:1", "vendor", "v-1"});
  CHECK(down.rc == 3);
  CHECK(down.err.rfind("network: client.connect", 0) == 0);
  auto usage = Cli({"issue", "--api", op_api, "--claim", "R-0001"});
  CHECK(usage.rc == 2);
  CHECK(usage.err.find("provider:reference:token") != std::string::npos);

  // 4. issue by the buyer's claim, on the operator's node, once it has executed the
  // payment's block (until then it answers 404 payment.unknown)
  const uint64_t paid_height = payment.at("height");
  REQUIRE(Cluster::WaitFor(10s, [&] { return c.Height(0).value_or(0) >= paid_height; }));
  const std::string claim = "1:R-0001:" + token;
  auto issue = Cli({"issue", "--api", op_api, "--claim", claim, "--title-individual", "Zhang San"});
  INFO("stderr: " << issue.err);
  REQUIRE(issue.rc == 0);
  const auto issued = nlohmann::json::parse(issue.out);
  const std::string number = issued.at("invoice").at("number");
  CHECK_FALSE(number.empty());
  CHECK(issued.at("invoice").at("total_fen") == 1250);
  auto again = Cli({"issue", "--api", op_api, "--claim", claim, "--title-individual", "Zhang San"});
  CHECK(again.rc == 1);
  CHECK(again.err.rfind("claim.used: ", 0) == 0);

  // 5. read back
  auto get_invoice = Cli({"get", "--api", op_api, "invoice", number, "--claim", claim});
  INFO("stderr: " << get_invoice.err);
  REQUIRE(get_invoice.rc == 0);
  CHECK(nlohmann::json::parse(get_invoice.out).at("invoice").at("number") == number);
  auto get_payment =
      Cli({"get", "payment", "1/R-0001"}, {"FAPIAO_API=" + pay_api, "FAPIAO_KEY=" + pay_key});
  REQUIRE(get_payment.rc == 0);
  CHECK(nlohmann::json::parse(get_payment.out).at("payment").at("reference") == "R-0001");
  auto get_vendor = Cli({"get", "--api", op_api, "--key", op_key, "vendor", "v-1"});
  REQUIRE(get_vendor.rc == 0);
  CHECK(nlohmann::json::parse(get_vendor.out).at("vendor").at("stall") == "A-12");
  const std::string png = c.dir() + "/invoice.png";
  auto qr = Cli(
      {"get", "--api", op_api, "invoice", number, "--claim", claim, "--qr", "png", "--out", png});
  REQUIRE(qr.rc == 0);
  std::ifstream in(png, std::ios::binary);
  std::string magic(8, '\0');
  in.read(magic.data(), 8);
  CHECK(magic == "\x89PNG\r\n\x1a\n");
  auto unknown = Cli({"get", "--api", op_api, "invoice", "99999999", "--claim", claim});
  CHECK(unknown.rc == 1);
  CHECK(unknown.err.rfind("invoice.unknown: ", 0) == 0);
  const std::string vendor_key = AddKey(c, 0, "vendor", "v-1");
  auto by_vendor = Cli({"get", "--api", op_api, "--key", vendor_key, "invoice", number});
  REQUIRE(by_vendor.rc == 0);
  CHECK(nlohmann::json::parse(by_vendor.out).at("invoice").at("vendor_id") == "v-1");

  // 6. the vendor's key with explicit allocations reaches the ledger's rules: a payment
  // the buyer has not requested an invoice for is refused
  auto second = Cli({"attest", "--api", pay_api, "--key", pay_key, "--vendor", "v-1",
                     "--amount-fen", "800", "--reference", "R-0004"});
  REQUIRE(second.rc == 0);
  const uint64_t second_height = nlohmann::json::parse(second.out).at("height");
  REQUIRE(Cluster::WaitFor(10s, [&] { return c.Height(0).value_or(0) >= second_height; }));
  auto unrequested =
      Cli({"issue", "--api", op_api, "--key", vendor_key, "--allocation", "1:R-0004:800",
           "--title-org", "Acme", "--taxpayer-id", "uscc:92530800MA6N0K3X27"});
  INFO("stdout: " << unrequested.out);
  CHECK(unrequested.rc == 1);
  CHECK(unrequested.err.rfind("invoice.not_requested: ", 0) == 0);

  auto forbidden = Cli({"get", "--api", op_api, "--key", op_key, "invoice", number});
  CHECK(forbidden.rc == 1);
  CHECK(forbidden.err.rfind("auth.forbidden: ", 0) == 0);
}
