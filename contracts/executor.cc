#include "contracts/executor.h"

#include "contracts/codes.h"
#include "contracts/keys.h"

namespace fapiao::contracts {

BlockResult ExecuteBlock(const StateView& base, std::span<const pb::Transaction> txs,
                         const BlockContext& ctx) {
  BlockResult out;
  OverlayView view(base, out.writes);
  for (size_t i = 0; i < txs.size(); ++i) {
    const pb::Transaction& tx = txs[i];
    pb::Receipt r;
    r.set_index(static_cast<uint32_t>(i));
    r.set_member(tx.member());
    r.set_sequence(tx.sequence());
    r.set_kind(tx.kind());
    const Bytes seen = keys::Seen(tx.member(), tx.sequence());
    if (view.Get(Column::kState, seen)) {
      r.set_accepted(false);
      r.set_code(code::kDuplicate);
      out.receipts.push_back(std::move(r));
      continue;
    }
    auto res = Apply(view, tx, ctx);
    if (res.ok()) {
      r.set_accepted(true);
      for (const auto& e : res->events) r.add_events(e.kind + " " + e.subject);
      out.writes.Merge(res->writes);
      out.events.insert(out.events.end(), res->events.begin(), res->events.end());
    } else {
      r.set_accepted(false);
      r.set_code(res.status().code());
    }
    // The sequence is consumed whether the transaction was accepted or rejected.
    out.writes.Put(Column::kState, seen, "");
    out.receipts.push_back(std::move(r));
  }
  Bytes buf = Bytes("fapiao/result/v1") + '\0';
  AppendU64(buf, ctx.height.value);
  AppendU32(buf, static_cast<uint32_t>(out.receipts.size()));
  for (const auto& r : out.receipts) AppendLengthPrefixed(buf, r.SerializeAsString());
  buf += out.writes.Digest(*ctx.hasher).ToBytes();
  out.result_root = ctx.hasher->Digest(buf);
  return out;
}

}  // namespace fapiao::contracts
