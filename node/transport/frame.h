// Length-prefixed frames of the peer transport (docs/transport.md): u32 big-endian payload
// length, then the payload. A length of zero or above the configured maximum is garbage.
// FrameDecoder is an incremental pure decoder: feed bytes in any chunking, get whole frames.
// Value types; a decoder is used by one connection at a time (not thread-safe).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/status.h"

namespace fapiao::transport {

inline constexpr uint32_t kDefaultMaxFrameBytes = 32u << 20;  // 32 MiB
inline constexpr size_t kFrameHeaderBytes = 4;

// Appends header + payload to `out`. REQUIRES: 0 < payload.size() <= UINT32_MAX.
void AppendFrame(std::string& out, std::string_view payload);
std::string EncodeFrame(std::string_view payload);

class FrameDecoder {
 public:
  explicit FrameDecoder(uint32_t max_frame_bytes = kDefaultMaxFrameBytes);

  // Appends every frame completed by `bytes` to `frames`. On garbage returns
  // frame.zero_length or frame.too_large; the decoder then stays failed and ignores input.
  Status Feed(std::string_view bytes, std::vector<std::string>& frames);

  bool failed() const { return failed_; }
  // Bytes held for an incomplete header or payload.
  size_t buffered() const { return header_fill_ + payload_.size(); }

 private:
  uint32_t max_frame_bytes_;
  bool failed_ = false;
  unsigned char header_[kFrameHeaderBytes] = {};
  size_t header_fill_ = 0;
  bool in_payload_ = false;
  uint32_t expected_ = 0;
  std::string payload_;
};

}  // namespace fapiao::transport
