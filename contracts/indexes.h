// Secondary indexes and per-day aggregates (Column::kIndex), written by the
// same write set as the invoice they describe: vendor+time, market+time,
// payment -> invoices, buyer hash -> invoices, reimbursing org -> invoices,
// and per-vendor / per-market per-day totals (blue, red, net, counts, by rate
// and treatment), maintained incrementally so statistics are lookups.
#pragma once

#include <cstdint>
#include <string>

#include "contracts/tx_state.h"
#include "proto/contracts.pb.h"

namespace fapiao::contracts {

void IndexNewInvoice(TxState& st, const pb::Invoice& inv);
// The value of the invoice's vt/ and mt/ entries: its immutable search fields.
pb::IndexedInvoice IndexedOf(const pb::Invoice& inv);
// Value of the org index entry is the mark status byte (0 init, 1 locked, 2 closed).
void IndexMark(TxState& st, uint32_t org, const std::string& number, pb::MarkStatus status);
// Adds a new invoice (blue or red) to an aggregate; used incrementally and by recounts.
void AddToAggregate(pb::DayAggregate& agg, const pb::Invoice& inv);

}  // namespace fapiao::contracts
