// `fapiao attest | issue | get`: the merchant API from the command line
// (docs/cli.md). Each Run* builds the request with nlohmann::json, calls the
// node with client::HttpClient, prints a JSON answer to `out`, a problem to
// `err` as "code: detail (field)", and returns an exit code below.
// Calls are independent; not thread-safe per call.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/core/status.h"
#include "tools/fapiao/verify.h"

namespace fapiao::cli {

// Exit codes: 0 ok, 1 the node answered with a problem (4xx/5xx), kExitUsage (2)
// bad arguments (nothing sent), 3 no answer from the node.
inline constexpr int kExitOk = 0;
inline constexpr int kExitProblem = 1;
inline constexpr int kExitNetwork = 3;

struct Endpoint {
  std::string api;  // http://host:port
  std::string key;  // fpk_... or empty
};

struct AttestArgs {
  std::string vendor;
  std::string amount_fen;  // sent as given; the node checks it
  std::string reference;
  std::string paid_at;             // RFC 3339 or Unix ms; empty = now
  std::vector<std::string> items;  // name:qty:price:fen or name:fen
};

struct IssueArgs {
  std::string claim;  // provider:reference:token
  std::string title_individual;
  std::string title_org;
  std::string taxpayer_id;               // KIND:VALUE, with title_org
  std::vector<std::string> allocations;  // provider:reference:fen
};

struct GetArgs {
  std::string what;      // invoice | payment | vendor
  std::string id;        // invoice number, provider/reference, vendor id
  std::string claim;     // invoice only: read as its buyer (provider:reference:token)
  std::string qr;        // invoice only: "png" or "svg"
  bool proof = false;    // invoice only: its inclusion proof
  std::string out_file;  // write the body here instead of stdout
};

int RunAttest(const Endpoint& ep, const AttestArgs& a, std::ostream& out, std::ostream& err);
int RunIssue(const Endpoint& ep, const IssueArgs& a, std::ostream& out, std::ostream& err);
int RunGet(const Endpoint& ep, const GetArgs& a, std::ostream& out, std::ostream& err);

// Argument pieces, exposed for tests. Code: cli.bad_argument.
Result<nlohmann::json> ParseItem(const std::string& spec);        // name:qty:price:fen | name:fen
Result<nlohmann::json> ParseClaim(const std::string& spec);       // provider:reference:token
Result<nlohmann::json> ParseAllocation(const std::string& spec);  // provider:reference:fen
Result<nlohmann::json> ParseTaxpayerId(const std::string& spec);  // KIND:VALUE
// "code: detail (field)" for a problem+json body; the status and body otherwise.
std::string DescribeProblem(int status, const std::string& body);

}  // namespace fapiao::cli
