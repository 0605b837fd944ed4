// Who may ask the node to sign a raw transaction: only its own host.
#include <catch2/catch.hpp>

#include "node/node_api.h"

namespace fapiao::node {
namespace {

TEST_CASE("node api: raw transactions only from the node's own host", "[node][api]") {
  for (const char* local : {"127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"}) {
    INFO(local);
    CHECK(IsLoopbackAddress(local));
  }
  for (const char* remote :
       {"10.0.0.7", "192.168.1.127", "::2", "fe80::1", "::ffff:10.0.0.1", "1127.0.0.1", ""}) {
    INFO(remote);
    CHECK_FALSE(IsLoopbackAddress(remote));
  }
}

}  // namespace
}  // namespace fapiao::node
