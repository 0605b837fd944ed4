// Base45 (RFC 9285): bytes as text in the QR alphanumeric character set, so a
// QR code holds them in alphanumeric mode (about 8.25 bits per byte).
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ledger/core/bytes.h"

namespace fapiao::qr {

std::string Base45Encode(ByteView bytes);
// nullopt for a character outside the alphabet, a length of 3k+1, or a group
// whose value is out of range (RFC 9285 section 4.2).
std::optional<Bytes> Base45Decode(std::string_view text);

}  // namespace fapiao::qr
