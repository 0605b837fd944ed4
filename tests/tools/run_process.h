// Runs a program to its end for the tools tests, with its stdout and stderr
// captured (through files in the temporary folder) and an optional extra
// environment. Blocking; thread-safe (no shared state).
#pragma once

#include <string>
#include <vector>

namespace fapiao::testing {

struct ProcessResult {
  int rc = -1;  // exit status, or -1 when killed by a signal
  std::string out, err;
};

// `args[0]` is the program's path. `env` entries ("NAME=value") are added to
// (and override) this process's environment.
ProcessResult RunProcess(const std::vector<std::string>& args,
                         const std::vector<std::string>& env = {});

}  // namespace fapiao::testing
