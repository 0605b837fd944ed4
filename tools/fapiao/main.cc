// fapiao: the client CLI for operators and scripts. `fapiao verify` checks a
// verification QR text or an inclusion proof offline (tools/fapiao/verify.h).
#include <CLI/CLI.hpp>
#include <iostream>

#include "tools/fapiao/verify.h"

int main(int argc, char** argv) {
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
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : fapiao::cli::kExitUsage;
  }
  return fapiao::cli::RunVerify(input, consortium, std::cout, std::cerr);
}
