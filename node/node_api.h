// The node's own HTTP routes (docs/http.md): status, health, readiness,
// transaction submission and lookup, member-signed batch submission, blocks.
// The merchant and tax routes are added by the api module on the same router.
// Stateless functions over a Node; handlers are thread-safe as Node is.
#pragma once

#include <string_view>

#include "api/router.h"
#include "node/node.h"

namespace fapiao::node {

void AddNodeRoutes(api::Router& router, Node& node);

// True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x addresses (as
// Request::remote_address spells them). POST /v1/transactions, which signs with
// the member's key, answers only such callers (403 node.local_only otherwise).
bool IsLoopbackAddress(std::string_view address);

}  // namespace fapiao::node
