// Frame encoding and the incremental decoder (frame.h).
#include "node/transport/frame.h"

#include <algorithm>
#include <cassert>

#include "ledger/core/bytes.h"

namespace fapiao::transport {

void AppendFrame(std::string& out, std::string_view payload) {
  assert(!payload.empty() && payload.size() <= UINT32_MAX);
  AppendU32(out, static_cast<uint32_t>(payload.size()));
  out.append(payload);
}

std::string EncodeFrame(std::string_view payload) {
  std::string out;
  out.reserve(kFrameHeaderBytes + payload.size());
  AppendFrame(out, payload);
  return out;
}

FrameDecoder::FrameDecoder(uint32_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}

Status FrameDecoder::Feed(std::string_view bytes, std::vector<std::string>& frames) {
  if (failed_) return Status::Error("frame.failed", "the decoder already saw garbage");
  while (!bytes.empty()) {
    if (!in_payload_) {
      size_t take = std::min(kFrameHeaderBytes - header_fill_, bytes.size());
      std::copy_n(bytes.begin(), take, header_ + header_fill_);
      header_fill_ += take;
      bytes.remove_prefix(take);
      if (header_fill_ < kFrameHeaderBytes) break;
      expected_ = ReadU32(ByteView(reinterpret_cast<const char*>(header_), kFrameHeaderBytes));
      header_fill_ = 0;
      if (expected_ == 0) {
        failed_ = true;
        return Status::Error("frame.zero_length", "a frame declared length zero");
      }
      if (expected_ > max_frame_bytes_) {
        failed_ = true;
        return Status::Error("frame.too_large", "a frame declared " + std::to_string(expected_) +
                                                    " bytes, above the maximum of " +
                                                    std::to_string(max_frame_bytes_));
      }
      in_payload_ = true;
      payload_.clear();
      // Grow with the data actually received, not with the declared length.
      payload_.reserve(std::min<size_t>(expected_, 64 * 1024));
    }
    size_t take = std::min<size_t>(expected_ - payload_.size(), bytes.size());
    payload_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (payload_.size() == expected_) {
      frames.push_back(std::move(payload_));
      payload_ = std::string();
      in_payload_ = false;
    }
  }
  return Status::Ok();
}

}  // namespace fapiao::transport
