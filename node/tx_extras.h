// Optional envelope fields a submitter may set on a transaction
// (proto/ledger.proto Transaction; docs/contracts.md "Idempotency keys").
// A plain value.
#pragma once

#include "ledger/core/bytes.h"

namespace fapiao::node {

struct TxExtras {
  Bytes idempotency_key;  // empty: none; at most 64 bytes
  Bytes request_hash;     // at most 64 bytes; only with a key
};

}  // namespace fapiao::node
