// fapiao: the client CLI for operators, vendors, buyers and scripts
// (docs/cli.md). `fapiao verify` checks a verification QR text or an inclusion
// proof offline (tools/fapiao/verify.h); `attest`, `issue` and `get` call a
// node's merchant API (tools/fapiao/merchant.h).
#include <CLI/CLI.hpp>
#include <iostream>

#include "tools/fapiao/merchant.h"
#include "tools/fapiao/verify.h"

namespace {

void AddEndpoint(CLI::App* cmd, fapiao::cli::Endpoint& ep, bool key_required_hint) {
  cmd->add_option("--api", ep.api, "node API base URL, e.g. http://127.0.0.1:8100")
      ->envname("FAPIAO_API")
      ->required();
  cmd->add_option("--key", ep.key,
                  key_required_hint ? "API key fpk_... (docs/auth.md)"
                                    : "API key fpk_... (or --claim for a buyer)")
      ->envname("FAPIAO_KEY");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fapiao::cli;
  CLI::App app{"fapiao: client for the fapiao consortium"};
  app.require_subcommand(1);
  std::string input;
  std::string consortium;
  CLI::App* verify = app.add_subcommand(
      "verify", "Check a verification QR text or a proof.json offline (exit 0 valid, 1 invalid)");
  verify->add_option("input", input, "FPV1:... QR text, or a file with it or with a proof.json")
      ->required();
  verify->add_option("--consortium", consortium, "consortium.toml with the members' public keys")
      ->required();

  Endpoint ep;
  AttestArgs attest_args;
  CLI::App* attest = app.add_subcommand(
      "attest", "POST /v1/payments: attest a payment (payment provider's key, its own node)");
  AddEndpoint(attest, ep, true);
  attest->add_option("--vendor", attest_args.vendor, "vendor id")->required();
  attest->add_option("--amount-fen", attest_args.amount_fen, "amount in fen")->required();
  attest->add_option("--reference", attest_args.reference, "the provider's payment reference")
      ->required();
  attest->add_option("--paid-at", attest_args.paid_at, "RFC 3339 time or Unix ms (default: now)");
  attest->add_option("--item", attest_args.items, "name:qty:price:fen or name:fen (repeatable)");

  IssueArgs issue_args;
  CLI::App* issue = app.add_subcommand(
      "issue", "POST /v1/invoices: issue an invoice (vendor's key or a buyer's claim)");
  AddEndpoint(issue, ep, false);
  issue->add_option("--claim", issue_args.claim, "provider:reference:token from the receipt");
  issue->add_option("--title-individual", issue_args.title_individual, "buyer's name");
  issue->add_option("--title-org", issue_args.title_org, "organisation's name");
  issue->add_option("--taxpayer-id", issue_args.taxpayer_id, "organisation's id, KIND:VALUE");
  issue->add_option("--allocation", issue_args.allocations,
                    "provider:reference:fen (repeatable; default: the claimed payment)");

  GetArgs get_args;
  CLI::App* get = app.add_subcommand("get", "GET an invoice, a payment or a vendor");
  AddEndpoint(get, ep, false);
  get->add_option("what", get_args.what, "invoice | payment | vendor")
      ->required()
      ->check(CLI::IsMember({"invoice", "payment", "vendor"}));
  get->add_option("id", get_args.id, "invoice number, provider/reference, or vendor id")
      ->required();
  get->add_option("--claim", get_args.claim,
                  "invoice: read as its buyer, provider:reference:token");
  get->add_option("--qr", get_args.qr, "invoice: its verification QR, png or svg")
      ->check(CLI::IsMember({"png", "svg"}));
  get->add_flag("--proof", get_args.proof, "invoice: its inclusion proof");
  get->add_option("--out", get_args.out_file, "write the answer's body to this file");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  if (*attest) return RunAttest(ep, attest_args, std::cout, std::cerr);
  if (*issue) return RunIssue(ep, issue_args, std::cout, std::cerr);
  if (*get) return RunGet(ep, get_args, std::cout, std::cerr);
  return RunVerify(input, consortium, std::cout, std::cerr);
}
