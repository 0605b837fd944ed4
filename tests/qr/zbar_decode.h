// Test helper: decodes an 8-bit grayscale PNG with a real QR decoder (zbar)
// and returns every QR symbol's text. Fails the current Catch2 test when the
// PNG does not parse. Thread-compatible (no shared state).
#pragma once

#include <string>
#include <vector>

#include "ledger/core/bytes.h"

namespace fapiao::test {

std::vector<std::string> ZbarDecodePng(const Bytes& png);

}  // namespace fapiao::test
