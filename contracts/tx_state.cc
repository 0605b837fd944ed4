#include "contracts/tx_state.h"

#include <cassert>

namespace fapiao::contracts {

bool TxState::Load(Column col, ByteView key, google::protobuf::MessageLite& msg) const {
  auto raw = view_.Get(col, key);
  if (!raw) return false;
  const bool ok = msg.ParseFromString(*raw);
  assert(ok && "corrupt contract record");
  (void)ok;
  return true;
}

void TxState::Store(Column col, ByteView key, const google::protobuf::MessageLite& msg) {
  Bytes out;
  // No map fields in contracts.proto: the encoding is deterministic.
  msg.SerializeToString(&out);
  writes_.Put(col, key, out);
}

}  // namespace fapiao::contracts
