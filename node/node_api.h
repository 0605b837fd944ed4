// The node's own HTTP routes (docs/http.md): status, health, readiness,
// transaction submission and lookup, member-signed batch submission, blocks.
// The merchant and tax routes are added by the api module on the same router.
// Stateless functions over a Node; handlers are thread-safe as Node is.
#pragma once

#include "api/router.h"
#include "node/node.h"

namespace fapiao::node {

void AddNodeRoutes(api::Router& router, Node& node);

}  // namespace fapiao::node
