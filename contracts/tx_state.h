// TxState: one transaction's view of contract state: reads go through its own
// pending writes to the base view; writes collect in a WriteSet that is kept
// only if the transaction is accepted. Typed helpers store protobuf records.
// Not thread-safe; lives for one Apply call.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/message_lite.h>

#include "contracts/contract.h"
#include "ledger/core/state.h"

namespace fapiao::contracts {

class TxState {
 public:
  TxState(const StateView& base, const BlockContext& ctx) : ctx_(ctx), view_(base, writes_) {}
  TxState(const TxState&) = delete;
  TxState& operator=(const TxState&) = delete;

  const BlockContext& ctx() const { return ctx_; }
  const StateView& view() const { return view_; }

  std::optional<Bytes> Get(Column col, ByteView key) const { return view_.Get(col, key); }
  void Put(Column col, ByteView key, ByteView value) { writes_.Put(col, key, value); }
  void Delete(Column col, ByteView key) { writes_.Delete(col, key); }

  // False if absent; asserts on a corrupt record (state is written only by us).
  bool Load(Column col, ByteView key, google::protobuf::MessageLite& msg) const;
  void Store(Column col, ByteView key, const google::protobuf::MessageLite& msg);

  void Emit(std::string kind, std::string subject) {
    events_.push_back({std::move(kind), std::move(subject)});
  }

  Hash Digest(ByteView data) const { return ctx_.hasher->Digest(data); }

  Outcome Finish() { return Outcome{std::move(writes_), std::move(events_)}; }

 private:
  const BlockContext& ctx_;
  WriteSet writes_;
  OverlayView view_;
  std::vector<Event> events_;
};

}  // namespace fapiao::contracts
