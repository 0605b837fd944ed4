// The invoice QR test vectors of tests/data/qr/vectors.json (docs/qr.md),
// loaded once, and the fixed Ed25519 signer built from their seed.
// Not thread-safe to first call concurrently; tests are single-threaded.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "ledger/core/crypto.h"
#include "qr/verification.h"

namespace fapiao::test {

const nlohmann::json& QrVectors();
// The vector's signer (Ed25519 from ed25519_seed_hex) and its suite.
CryptoSuite& Ed25519();
const Signer& VectorSigner();
// The fields of one "verification" vector entry.
qr::VerificationFields VectorFields(const nlohmann::json& v);
Bytes Unhex(const nlohmann::json& hex_string);

}  // namespace fapiao::test
