// Key layouts of contract state (Column::kState) and of the derived indexes and
// aggregates (Column::kIndex); docs/contracts.md is the written specification.
// String components are u32-length-prefixed so that no id can forge another's
// key; integers are fixed-width big-endian so keys sort by value. Pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "ledger/core/bytes.h"

namespace fapiao::contracts::keys {

// kState
Bytes Config();                                                       // "cfg"
Bytes Rules();                                                        // "rules"
Bytes Member(uint32_t index);                                         // "mem/" u32
Bytes Vendor(std::string_view vendor_id);                             // "ven/" lp(id)
Bytes Payment(uint32_t provider, std::string_view ref);               // "pay/" u32 lp(ref)
Bytes Request(uint32_t provider, std::string_view ref);               // "req/" u32 lp(ref)
Bytes BuyerAuth(ByteView buyer_hash);                                 // "bauth/" hash
Bytes Invoice(std::string_view number);                               // "inv/" number(20)
Bytes InvoicePrefix();                                                // "inv/"
Bytes InvoiceCounter(std::string_view yy_province);                   // "ctr/inv/" yy pp
Bytes QuotaUse(std::string_view vendor_id, std::string_view yyyymm);  // "quota/" lp(id) yyyymm
Bytes Form(std::string_view form_id);                                 // "form/" lp(id)
Bytes FormCounter(std::string_view blue_number);                      // "ctr/form/" number
Bytes Flag(uint64_t seq);                                             // "flag/" u64
Bytes FlagCounter();                                                  // "ctr/flag"
Bytes OfficerQuery(uint64_t seq);                                     // "qlog/" u64
Bytes OfficerQueryCounter();                                          // "ctr/qlog"
// Executed sequences of a member, kSeenPerKey to a key: "seen/" u32 member
// u64 (sequence / kSeenPerKey) -> a bitmap of kSeenPerKey / 8 bytes, bit
// (sequence % kSeenPerKey) of byte (bit / 8), least significant first.
inline constexpr uint64_t kSeenPerKey = 1024;
Bytes SeenChunk(uint32_t member, uint64_t sequence);
Bytes Idempotency(uint32_t member, std::string_view key);  // "idem/" u32 key

// kIndex
Bytes VendorTime(std::string_view vendor_id, uint64_t ms, std::string_view number);
Bytes VendorTimePrefix(std::string_view vendor_id);
Bytes MarketTime(std::string_view market, uint64_t ms, std::string_view number);
Bytes MarketTimePrefix(std::string_view market);
Bytes PaymentInvoice(uint32_t provider, std::string_view ref, std::string_view number);
Bytes PaymentInvoicePrefix(uint32_t provider, std::string_view ref);
Bytes BuyerInvoice(ByteView buyer_hash, std::string_view number);
Bytes BuyerInvoicePrefix(ByteView buyer_hash);
Bytes OrgInvoice(uint32_t org, std::string_view number);
Bytes OrgInvoicePrefix(uint32_t org);
Bytes VendorDay(std::string_view vendor_id, std::string_view yyyymmdd);
Bytes VendorDayPrefix(std::string_view vendor_id);
Bytes MarketDay(std::string_view market, std::string_view yyyymmdd);
// Payments by the China-time day of their paid-at time: "pd/" yyyymmdd u64 paid_ms u32 lp(ref).
Bytes PaymentDay(std::string_view yyyymmdd, uint64_t paid_ms, uint32_t provider,
                 std::string_view ref);
Bytes PaymentDayPrefix(std::string_view yyyymmdd);

}  // namespace fapiao::contracts::keys
