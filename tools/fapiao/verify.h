// `fapiao verify`: offline checks against a consortium.toml, with no node.
// Input is a verification QR text (FPV1:...), or a file holding one, or a
// proof.json (docs/qr.md). Writes one line to `out` (valid) or `err` (invalid
// or usage, with the stable code). Not thread-safe per call; calls are independent.
#pragma once

#include <iosfwd>
#include <string>

#include "ledger/core/status.h"

namespace fapiao::cli {

inline constexpr int kExitValid = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUsage = 2;

// Returns kExitValid, kExitInvalid, or kExitUsage (unreadable file or consortium).
int RunVerify(const std::string& input, const std::string& consortium_path, std::ostream& out,
              std::ostream& err);

}  // namespace fapiao::cli
