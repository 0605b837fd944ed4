#include "contracts/executor.h"

#include <optional>
#include <string>

#include "contracts/codes.h"
#include "contracts/keys.h"

namespace fapiao::contracts {
namespace {

constexpr size_t kMaxIdempotencyBytes = 64;

// Why a transaction with an idempotency key must not take effect, if it must not:
// a malformed key, a repeat of the key's first request, or the key reused for another.
std::optional<std::string> IdempotencyRefusal(const StateView& view, const pb::Transaction& tx,
                                              const Bytes& idem) {
  if (tx.idempotency_key().empty()) {
    if (!tx.request_hash().empty()) return code::kBadIdempotencyKey;
    return std::nullopt;
  }
  if (tx.idempotency_key().size() > kMaxIdempotencyBytes ||
      tx.request_hash().size() > kMaxIdempotencyBytes) {
    return code::kBadIdempotencyKey;
  }
  auto stored = view.Get(Column::kState, idem);
  if (!stored) return std::nullopt;
  pb::IdempotencyRecord first;
  if (!first.ParseFromString(*stored) || first.request_hash() != tx.request_hash()) {
    return code::kIdempotencyKeyReused;
  }
  return code::kIdempotentRepeat;
}

Bytes IdempotencyRecordOf(const pb::Transaction& tx, const pb::Receipt& r, const BlockContext& ctx,
                          size_t index) {
  pb::IdempotencyRecord rec;
  rec.set_request_hash(tx.request_hash());
  rec.set_height(ctx.height.value);
  rec.set_sequence(tx.sequence());
  rec.set_accepted(r.accepted());
  rec.set_code(r.code());
  for (const auto& e : r.events()) rec.add_events(e);
  if (index < ctx.tx_ids.size()) rec.set_tx_id(ctx.tx_ids[index].ToBytes());
  return rec.SerializeAsString();
}

// Exactly-once markers, packed: one key per kSeenPerKey sequences of a member
// (contracts/keys.h), so a block writes one small bitmap per member and run of
// sequences instead of one key per transaction.
class SeenMarker {
 public:
  SeenMarker(const StateView& view, const pb::Transaction& tx)
      : key_(keys::SeenChunk(tx.member(), tx.sequence())),
        bit_(tx.sequence() % keys::kSeenPerKey),
        bitmap_(view.Get(Column::kState, key_).value_or(Bytes())) {
    bitmap_.resize(keys::kSeenPerKey / 8, '\0');
  }
  bool seen() const { return (static_cast<uint8_t>(bitmap_[bit_ / 8]) >> (bit_ % 8)) & 1; }
  // The sequence is consumed whether the transaction was accepted or rejected.
  void Mark(WriteSet& writes) {
    bitmap_[bit_ / 8] =
        static_cast<char>(static_cast<uint8_t>(bitmap_[bit_ / 8]) | (1u << (bit_ % 8)));
    writes.Put(Column::kState, key_, bitmap_);
  }

 private:
  Bytes key_;
  uint64_t bit_;
  Bytes bitmap_;
};

}  // namespace

BlockResult ExecuteBlock(const StateView& base, std::span<const pb::Transaction> txs,
                         const BlockContext& ctx) {
  BlockResult out;
  // Every transaction reads the same few records (rules, vendors, members): from the
  // store once per block. The store does not change while the block executes.
  CachedView cached(base);
  OverlayView view(cached, out.writes);
  for (size_t i = 0; i < txs.size(); ++i) {
    const pb::Transaction& tx = txs[i];
    pb::Receipt r;
    r.set_index(static_cast<uint32_t>(i));
    r.set_member(tx.member());
    r.set_sequence(tx.sequence());
    r.set_kind(tx.kind());
    SeenMarker seen(view, tx);
    if (seen.seen()) {
      r.set_accepted(false);
      r.set_code(code::kDuplicate);
      out.receipts.push_back(std::move(r));
      continue;
    }
    const Bytes idem = tx.idempotency_key().empty()
                           ? Bytes()
                           : keys::Idempotency(tx.member(), tx.idempotency_key());
    std::optional<std::string> refused = IdempotencyRefusal(view, tx, idem);
    if (refused) {
      r.set_accepted(false);
      r.set_code(*refused);
    } else {
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
      if (!idem.empty()) {
        out.writes.Put(Column::kState, idem, IdempotencyRecordOf(tx, r, ctx, i));
      }
    }
    seen.Mark(out.writes);
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
