#include "contracts/keys.h"

namespace fapiao::contracts::keys {
namespace {

Bytes With(std::string_view prefix) {
  return Bytes(prefix);
}

Bytes Lp(std::string_view prefix, std::string_view s) {
  Bytes k(prefix);
  AppendLengthPrefixed(k, s);
  return k;
}

}  // namespace

Bytes Config() {
  return With("cfg");
}
Bytes Rules() {
  return With("rules");
}

Bytes Member(uint32_t index) {
  Bytes k = With("mem/");
  AppendU32(k, index);
  return k;
}

Bytes Vendor(std::string_view vendor_id) {
  return Lp("ven/", vendor_id);
}

Bytes Payment(uint32_t provider, std::string_view ref) {
  Bytes k = With("pay/");
  AppendU32(k, provider);
  AppendLengthPrefixed(k, ref);
  return k;
}

Bytes Request(uint32_t provider, std::string_view ref) {
  Bytes k = With("req/");
  AppendU32(k, provider);
  AppendLengthPrefixed(k, ref);
  return k;
}

Bytes BuyerAuth(ByteView buyer_hash) {
  return With("bauth/") + Bytes(buyer_hash);
}
Bytes Invoice(std::string_view number) {
  return With("inv/") + Bytes(number);
}
Bytes InvoicePrefix() {
  return With("inv/");
}
Bytes InvoiceCounter(std::string_view yy_province) {
  return With("ctr/inv/") + Bytes(yy_province);
}

Bytes QuotaUse(std::string_view vendor_id, std::string_view yyyymm) {
  return Lp("quota/", vendor_id) + Bytes(yyyymm);
}

Bytes Form(std::string_view form_id) {
  return Lp("form/", form_id);
}
Bytes FormCounter(std::string_view blue_number) {
  return With("ctr/form/") + Bytes(blue_number);
}

Bytes Flag(uint64_t seq) {
  Bytes k = With("flag/");
  AppendU64(k, seq);
  return k;
}
Bytes FlagCounter() {
  return With("ctr/flag");
}

Bytes OfficerQuery(uint64_t seq) {
  Bytes k = With("qlog/");
  AppendU64(k, seq);
  return k;
}
Bytes OfficerQueryCounter() {
  return With("ctr/qlog");
}

Bytes SeenChunk(uint32_t member, uint64_t sequence) {
  Bytes k = With("seen/");
  AppendU32(k, member);
  AppendU64(k, sequence / kSeenPerKey);
  return k;
}

Bytes Idempotency(uint32_t member, std::string_view key) {
  Bytes k = With("idem/");
  AppendU32(k, member);
  k += key;
  return k;
}

Bytes VendorTimePrefix(std::string_view vendor_id) {
  return Lp("vt/", vendor_id);
}
Bytes VendorTime(std::string_view vendor_id, uint64_t ms, std::string_view number) {
  Bytes k = VendorTimePrefix(vendor_id);
  AppendU64(k, ms);
  return k + Bytes(number);
}

Bytes MarketTimePrefix(std::string_view market) {
  return Lp("mt/", market);
}
Bytes MarketTime(std::string_view market, uint64_t ms, std::string_view number) {
  Bytes k = MarketTimePrefix(market);
  AppendU64(k, ms);
  return k + Bytes(number);
}

Bytes PaymentInvoicePrefix(uint32_t provider, std::string_view ref) {
  Bytes k = With("pi/");
  AppendU32(k, provider);
  AppendLengthPrefixed(k, ref);
  return k;
}
Bytes PaymentInvoice(uint32_t provider, std::string_view ref, std::string_view number) {
  return PaymentInvoicePrefix(provider, ref) + Bytes(number);
}

Bytes BuyerInvoicePrefix(ByteView buyer_hash) {
  return With("bi/") + Bytes(buyer_hash);
}
Bytes BuyerInvoice(ByteView buyer_hash, std::string_view number) {
  return BuyerInvoicePrefix(buyer_hash) + Bytes(number);
}

Bytes OrgInvoicePrefix(uint32_t org) {
  Bytes k = With("ri/");
  AppendU32(k, org);
  return k;
}
Bytes OrgInvoice(uint32_t org, std::string_view number) {
  return OrgInvoicePrefix(org) + Bytes(number);
}

Bytes VendorDayPrefix(std::string_view vendor_id) {
  return Lp("vd/", vendor_id);
}
Bytes VendorDay(std::string_view vendor_id, std::string_view yyyymmdd) {
  return VendorDayPrefix(vendor_id) + Bytes(yyyymmdd);
}
Bytes MarketDay(std::string_view market, std::string_view yyyymmdd) {
  return Lp("md/", market) + Bytes(yyyymmdd);
}

Bytes PaymentDayPrefix(std::string_view yyyymmdd) {
  return With("pd/") + Bytes(yyyymmdd);
}
Bytes PaymentDay(std::string_view yyyymmdd, uint64_t paid_ms, uint32_t provider,
                 std::string_view ref) {
  Bytes k = PaymentDayPrefix(yyyymmdd);
  AppendU64(k, paid_ms);
  AppendU32(k, provider);
  AppendLengthPrefixed(k, ref);
  return k;
}

}  // namespace fapiao::contracts::keys
