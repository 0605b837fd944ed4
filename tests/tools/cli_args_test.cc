// The `fapiao` CLI's argument pieces and answers, without a node: item, claim,
// allocation and taxpayer-id specs, problem lines, API URLs, percent-encoding,
// and usage errors that must exit 2 before anything is sent.
#include <catch2/catch.hpp>

#include <sstream>

#include "tools/fapiao/http_client.h"
#include "tools/fapiao/merchant.h"

using namespace fapiao;

TEST_CASE("item specs: name:qty:price:fen or name:fen", "[tools]") {
  auto full = cli::ParseItem("tomatoes:2.5:5:1250");
  REQUIRE(full.ok());
  CHECK(*full ==
        nlohmann::json{
            {"name", "tomatoes"}, {"quantity", "2.5"}, {"unit_price", "5"}, {"amount_fen", 1250}});
  auto short_form = cli::ParseItem("greens:300");
  REQUIRE(short_form.ok());
  CHECK(*short_form == nlohmann::json{{"name", "greens"}, {"amount_fen", 300}});
  auto no_qty = cli::ParseItem("rice:::800");
  REQUIRE(no_qty.ok());
  CHECK(*no_qty == nlohmann::json{{"name", "rice"}, {"amount_fen", 800}});
  // A non-integer amount goes to the node as text, which names the problem.
  CHECK(cli::ParseItem("x:1.5")->at("amount_fen") == "1.5");
  CHECK(cli::ParseItem("tomatoes").status().code() == "cli.bad_argument");
  CHECK(cli::ParseItem(":100").status().code() == "cli.bad_argument");
  CHECK(cli::ParseItem("a:b:c").status().code() == "cli.bad_argument");
}

TEST_CASE("claim and allocation specs keep ':' inside the reference", "[tools]") {
  auto claim = cli::ParseClaim("1:R:2026:0001:0123456789abcdef0123456789abcdef");
  REQUIRE(claim.ok());
  CHECK(*claim == nlohmann::json{{"provider", 1},
                                 {"reference", "R:2026:0001"},
                                 {"token", "0123456789abcdef0123456789abcdef"}});
  CHECK_FALSE(cli::ParseClaim("x:R-1:tok").ok());
  CHECK_FALSE(cli::ParseClaim("1:tok").ok());
  CHECK_FALSE(cli::ParseClaim("1::tok").ok());
  auto alloc = cli::ParseAllocation("2:R-1:1250");
  REQUIRE(alloc.ok());
  CHECK(*alloc == nlohmann::json{{"provider", 2}, {"reference", "R-1"}, {"amount_fen", 1250}});
  CHECK_FALSE(cli::ParseAllocation("2:1250").ok());
  auto id = cli::ParseTaxpayerId("uscc:92530800MA6N0K3X27");
  REQUIRE(id.ok());
  CHECK(*id == nlohmann::json{{"kind", "uscc"}, {"value", "92530800MA6N0K3X27"}});
  CHECK_FALSE(cli::ParseTaxpayerId("92530800MA6N0K3X27").ok());
}

TEST_CASE("problems print as code: detail (field)", "[tools]") {
  CHECK(cli::DescribeProblem(
            422,
            R"({"code":"request.invalid_amount","detail":"bad amount","field":"/amount_fen"})") ==
        "request.invalid_amount: bad amount (/amount_fen)");
  CHECK(cli::DescribeProblem(401, R"({"code":"auth.missing","detail":"no key"})") ==
        "auth.missing: no key");
  CHECK(cli::DescribeProblem(502, "Bad Gateway") == "http 502: Bad Gateway");
}

TEST_CASE("API URLs and percent-encoding", "[tools]") {
  auto u = client::ParseApiUrl("http://127.0.0.1:8100");
  REQUIRE(u.ok());
  CHECK(u->host == "127.0.0.1");
  CHECK(u->port == 8100);
  CHECK(u->prefix.empty());
  auto p = client::ParseApiUrl("http://node.example/fapiao/");
  REQUIRE(p.ok());
  CHECK(p->port == 80);
  CHECK(p->prefix == "/fapiao");
  auto v6 = client::ParseApiUrl("http://[::1]:9000");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 9000);
  for (const char* bad : {"https://x:1", "127.0.0.1:8100", "http://:8100", "http://x:0",
                          "http://x:70000", "http://x:8a"}) {
    CHECK(client::ParseApiUrl(bad).status().code() == "client.bad_url");
  }
  CHECK(client::PercentEncode("R 1/2?&=é") == "R%201%2F2%3F%26%3D%C3%A9");
  CHECK(client::PercentEncode("A-z_0.9~") == "A-z_0.9~");
}

namespace {
cli::GetArgs Get(std::string what, std::string id, std::string qr = {}) {
  cli::GetArgs a;
  a.what = std::move(what);
  a.id = std::move(id);
  a.qr = std::move(qr);
  return a;
}
}  // namespace

TEST_CASE("usage errors exit 2 and send nothing", "[tools]") {
  // Port 1 on loopback: a request that were sent would exit 3, not 2.
  const cli::Endpoint ep{"http://127.0.0.1:1", ""};
  std::ostringstream out, err;
  cli::IssueArgs no_credential;
  no_credential.title_individual = "Li";
  CHECK(cli::RunIssue(ep, no_credential, out, err) == cli::kExitUsage);
  cli::IssueArgs org_without_id;
  org_without_id.claim = "1:R-1:0123456789abcdef0123456789abcdef";
  org_without_id.title_org = "Acme";
  CHECK(cli::RunIssue(ep, org_without_id, out, err) == cli::kExitUsage);
  CHECK(cli::RunGet(ep, Get("payment", "R-1"), out, err) == cli::kExitUsage);       // no provider/
  CHECK(cli::RunGet(ep, Get("invoice", "1", "png"), out, err) == cli::kExitUsage);  // no --out
  CHECK(cli::RunGet(ep, Get("vendor", "v-1", "svg"), out, err) == cli::kExitUsage);
  CHECK(cli::RunGet(cli::Endpoint{"ftp://x", ""}, Get("vendor", "v-1"), out, err) ==
        cli::kExitUsage);
  CHECK(out.str().empty());
  // And a sent request to a closed port is a network failure.
  std::ostringstream err2;
  CHECK(cli::RunGet(ep, Get("vendor", "v-1"), out, err2) == cli::kExitNetwork);
  CHECK(err2.str().rfind("network: client.connect", 0) == 0);
}
