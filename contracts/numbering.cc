#include "contracts/numbering.h"

#include "contracts/calendar.h"
#include "contracts/codes.h"
#include "contracts/keys.h"

namespace fapiao::contracts {

__extension__ typedef __int128 I128;
__extension__ typedef unsigned __int128 U128;
namespace {

constexpr uint64_t kMaxSequence = 999'999'999'999'999ULL;  // 15 digits

std::string PadDigits(U128 v, size_t width) {
  std::string s;
  while (v > 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  while (s.size() < width) s.insert(0, "0");
  return s;
}

}  // namespace

Result<std::string> NextInvoiceNumber(TxState& st, const pb::ChainConfig& cfg) {
  const std::string yp = Yy(ChinaDate(st.ctx().timestamp_ms)) + cfg.province_code();
  const Bytes key = keys::InvoiceCounter(yp);
  uint64_t last = 0;
  if (auto raw = st.Get(Column::kState, key)) last = ReadU64(*raw);
  if (last >= kMaxSequence) {
    return Status::Error(code::kNumbersExhausted, "invoice numbers for " + yp + " are exhausted");
  }
  Bytes v;
  AppendU64(v, last + 1);
  st.Put(Column::kState, key, v);
  return yp + cfg.channel() + PadDigits(last + 1, 15);
}

std::string CheckCode(const Hasher& hasher, const pb::ChainConfig& cfg, const pb::Invoice& inv) {
  Bytes buf = Bytes("fapiao/check/v1") + '\0';
  AppendLengthPrefixed(buf, cfg.chain_id());
  AppendLengthPrefixed(buf, inv.number());
  AppendU64(buf, static_cast<uint64_t>(inv.total_fen()));
  AppendLengthPrefixed(buf, inv.date());
  AppendLengthPrefixed(buf, inv.seller_id().value());
  const Hash h = hasher.Digest(buf);
  U128 v = 0;
  for (size_t i = 0; i < 10; ++i) v = (v << 8) | h.data()[i];
  U128 mod = 1;
  for (int i = 0; i < 20; ++i) mod *= 10;
  return PadDigits(v % mod, 20);
}

}  // namespace fapiao::contracts
