// The contract entry point: Apply(view, transaction, block context) -> the
// transaction's writes and events, or a rejection (a Status with a stable code
// from contracts/codes.h). Deterministic: time comes only from the block
// context, hashing only through the chain's Hasher; no clock, randomness,
// floating point or I/O. Stateless and thread-safe; the view must not change during a call.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ledger/core/crypto.h"
#include "ledger/core/state.h"
#include "ledger/core/status.h"
#include "ledger/core/types.h"
#include "proto/ledger.pb.h"

namespace fapiao::contracts {

struct BlockContext {
  Height height;
  uint64_t timestamp_ms = 0;       // the block's agreed time (UTC ms)
  const Hasher* hasher = nullptr;  // REQUIRES: non-null
  // Optional: the ids of the block's transactions, in order (recorded in
  // idempotency records). Empty, or one per transaction.
  std::span<const Hash> tx_ids{};
};

// A fact for the shell (notifications, logs): "invoice.issued" + subject.
struct Event {
  std::string kind;
  std::string subject;
  friend bool operator==(const Event&, const Event&) = default;
};

struct Outcome {
  WriteSet writes;
  std::vector<Event> events;
};

// REQUIRES: ctx.hasher != nullptr.
Result<Outcome> Apply(const StateView& view, const pb::Transaction& tx, const BlockContext& ctx);

}  // namespace fapiao::contracts
