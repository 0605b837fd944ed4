// Byte strings, hex, and the fixed-width big-endian encoding used in canonical
// bytes (docs/formats.md). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fapiao {

using Bytes =
    std::string;  // owned byte string; std::string for cheap interop with protobuf/RocksDB
using ByteView = std::string_view;

std::string ToHex(ByteView bytes);
// Value of one hexadecimal digit (either case), or -1.
int HexDigitValue(char c);
// Lower or upper case accepted; nullopt for odd length or a non-hex character.
std::optional<Bytes> FromHex(std::string_view hex);

void AppendU8(Bytes& out, uint8_t v);
void AppendU32(Bytes& out, uint32_t v);  // big-endian
void AppendU64(Bytes& out, uint64_t v);  // big-endian
// u32 big-endian length, then the bytes.
void AppendLengthPrefixed(Bytes& out, ByteView v);

uint64_t ReadU64(ByteView in);  // REQUIRES: in.size() >= 8; big-endian
uint32_t ReadU32(ByteView in);  // REQUIRES: in.size() >= 4; big-endian

}  // namespace fapiao
