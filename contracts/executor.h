// Block executor: runs a block's transactions in order over an overlay of the
// committed state, executing each (member, sequence) at most once (a repeat is
// recorded as rejected "tx.duplicate"), and returns the combined WriteSet (to
// be applied with the block in one atomic batch), a receipt per transaction and
// the result root. Deterministic; stateless; thread-safe if base is not written.
#pragma once

#include <span>
#include <vector>

#include "contracts/contract.h"
#include "proto/contracts.pb.h"

namespace fapiao::contracts {

struct BlockResult {
  WriteSet writes;
  std::vector<pb::Receipt> receipts;
  std::vector<Event> events;
  Hash result_root;
};

// result_root = H("fapiao/result/v1\0" || u64 height || u32 n ||
//                 lp(receipt_0) .. lp(receipt_n-1) || writes.Digest())
// where receipt_i is the serialized pb::Receipt.
// REQUIRES: ctx.hasher != nullptr.
BlockResult ExecuteBlock(const StateView& base, std::span<const pb::Transaction> txs,
                         const BlockContext& ctx);

}  // namespace fapiao::contracts
