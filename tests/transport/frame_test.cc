// Frame encoding and the incremental decoder.
// Scenarios: round trip of one frame; many frames fed in seeded random chunkings; zero length
// and oversized length are garbage (also when split across chunks); frames completed before
// garbage in the same chunk are still returned; a failed decoder stays failed.
#include <catch2/catch.hpp>

#include <random>

#include "node/transport/frame.h"

using fapiao::Status;
using fapiao::transport::EncodeFrame;
using fapiao::transport::FrameDecoder;

TEST_CASE("a frame is a u32 big-endian length and the payload", "[frame]") {
  std::string f = EncodeFrame("abc");
  REQUIRE(f == std::string("\0\0\0\3abc", 7));
  FrameDecoder d;
  std::vector<std::string> out;
  REQUIRE(d.Feed(f, out).ok());
  REQUIRE(out == std::vector<std::string>{"abc"});
  REQUIRE(d.buffered() == 0);
}

TEST_CASE("random chunking yields the same frames", "[frame]") {
  for (uint32_t seed = 1; seed <= 50; ++seed) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    std::vector<std::string> sent;
    std::string wire;
    for (int i = 0; i < 40; ++i) {
      std::string payload(1 + rng() % 3000, '\0');
      for (char& c : payload) c = static_cast<char>(rng());
      wire += EncodeFrame(payload);
      sent.push_back(std::move(payload));
    }
    FrameDecoder d(4096);
    std::vector<std::string> got;
    size_t pos = 0;
    while (pos < wire.size()) {
      size_t n = std::min<size_t>(wire.size() - pos, rng() % 7 == 0 ? 1 : rng() % 5000);
      REQUIRE(d.Feed(std::string_view(wire).substr(pos, n), got).ok());
      pos += n;
    }
    REQUIRE(got == sent);
    REQUIRE(d.buffered() == 0);
  }
}

TEST_CASE("zero and oversized lengths are garbage", "[frame]") {
  std::vector<std::string> out;
  SECTION("zero length") {
    FrameDecoder d;
    Status st = d.Feed(std::string("\0\0\0\0", 4), out);
    REQUIRE(st.code() == "frame.zero_length");
  }
  SECTION("over the maximum, header split in single bytes") {
    FrameDecoder d(100);
    std::string wire = EncodeFrame("ok") + std::string("\0\0\0\x65", 4);
    Status st;
    for (char c : wire) {
      st = d.Feed(std::string_view(&c, 1), out);
      if (!st.ok()) break;
    }
    REQUIRE(st.code() == "frame.too_large");
    REQUIRE(out == std::vector<std::string>{"ok"});
    REQUIRE(d.failed());
    REQUIRE(d.Feed(EncodeFrame("x"), out).code() == "frame.failed");
  }
  SECTION("exactly the maximum is accepted") {
    FrameDecoder d(100);
    REQUIRE(d.Feed(EncodeFrame(std::string(100, 'a')), out).ok());
    REQUIRE(out.size() == 1);
  }
  SECTION("all ones length") {
    FrameDecoder d;
    REQUIRE(d.Feed(std::string("\xff\xff\xff\xff", 4), out).code() == "frame.too_large");
  }
}
