#include "contracts/indexes.h"

#include <algorithm>

#include "contracts/keys.h"

namespace fapiao::contracts {
namespace {

void Bump(pb::DayAggregate& agg, int64_t rate_bp, pb::Treatment t, int64_t amount, int64_t tax) {
  auto* buckets = agg.mutable_by_rate();
  auto it = std::find_if(buckets->begin(), buckets->end(), [&](const pb::RateBucket& b) {
    return b.rate_bp() == rate_bp && b.treatment() == t;
  });
  if (it == buckets->end()) {
    pb::RateBucket b;
    b.set_rate_bp(rate_bp);
    b.set_treatment(t);
    // Keep sorted by (rate, treatment) so the encoding does not depend on history.
    auto pos = std::find_if(buckets->begin(), buckets->end(), [&](const pb::RateBucket& o) {
      return std::pair(o.rate_bp(), static_cast<int>(o.treatment())) >
             std::pair(rate_bp, static_cast<int>(t));
    });
    const int idx = static_cast<int>(pos - buckets->begin());
    *buckets->Add() = b;
    for (int i = buckets->size() - 1; i > idx; --i) buckets->SwapElements(i, i - 1);
    it = buckets->begin() + idx;
  }
  it->set_amount_fen(it->amount_fen() + amount);
  it->set_tax_fen(it->tax_fen() + tax);
}

void UpdateAggregate(TxState& st, const Bytes& key, const pb::Invoice& inv) {
  pb::DayAggregate agg;
  st.Load(Column::kIndex, key, agg);
  AddToAggregate(agg, inv);
  st.Store(Column::kIndex, key, agg);
}

}  // namespace

void AddToAggregate(pb::DayAggregate& agg, const pb::Invoice& inv) {
  if (inv.kind() == pb::BLUE) {
    agg.set_blue_total_fen(agg.blue_total_fen() + inv.total_fen());
    agg.set_blue_tax_fen(agg.blue_tax_fen() + inv.tax_fen());
    agg.set_blue_count(agg.blue_count() + 1);
  } else {
    agg.set_red_total_fen(agg.red_total_fen() + inv.total_fen());
    agg.set_red_tax_fen(agg.red_tax_fen() + inv.tax_fen());
    agg.set_red_count(agg.red_count() + 1);
  }
  agg.set_net_total_fen(agg.net_total_fen() + inv.total_fen());
  for (const auto& l : inv.lines()) {
    Bump(agg, l.input().treatment().rate_bp(), l.input().treatment().treatment(),
         l.input().amount_fen(), l.tax_fen());
  }
}

pb::IndexedInvoice IndexedOf(const pb::Invoice& inv) {
  pb::IndexedInvoice e;
  e.set_kind(inv.kind());
  e.set_total_fen(inv.total_fen());
  e.set_seller_id(inv.seller_id().value());
  for (const auto& l : inv.lines()) {
    e.add_line_rate_bp(l.input().treatment().rate_bp());
    e.add_line_treatment(l.input().treatment().treatment());
  }
  return e;
}

void IndexNewInvoice(TxState& st, const pb::Invoice& inv) {
  const std::string entry = IndexedOf(inv).SerializeAsString();
  st.Put(Column::kIndex, keys::VendorTime(inv.vendor_id(), inv.issued_at_ms(), inv.number()),
         entry);
  st.Put(Column::kIndex, keys::MarketTime(inv.market(), inv.issued_at_ms(), inv.number()), entry);
  if (!inv.buyer_hash().empty()) {
    st.Put(Column::kIndex, keys::BuyerInvoice(inv.buyer_hash(), inv.number()), "");
  }
  for (const auto& a : inv.allocations()) {
    st.Put(Column::kIndex,
           keys::PaymentInvoice(a.payment().provider(), a.payment().reference(), inv.number()), "");
  }
  UpdateAggregate(st, keys::VendorDay(inv.vendor_id(), inv.date()), inv);
  UpdateAggregate(st, keys::MarketDay(inv.market(), inv.date()), inv);
}

void IndexMark(TxState& st, uint32_t org, const std::string& number, pb::MarkStatus status) {
  Bytes v;
  AppendU8(v, static_cast<uint8_t>(status));
  st.Put(Column::kIndex, keys::OrgInvoice(org, number), v);
}

}  // namespace fapiao::contracts
