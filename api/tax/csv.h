// CSV rows of ledger invoices for the tax export (docs/http.md "Tax API:
// exports"): RFC 4180 (CRLF line ends, fields with a comma, quote, CR or LF
// quoted, quotes doubled), one row per invoice line, a fixed header. Amounts in
// yuan with two decimals, signed (red lines are negative). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "proto/contracts.pb.h"

namespace fapiao::api::tax {

// The header row (with its CRLF).
std::string CsvHeader();
// One row per line of `invoice`, each ending with CRLF.
std::string CsvRows(const pb::Invoice& invoice);
// One RFC 4180 field (quoted only when needed).
std::string CsvField(std::string_view value);
// Fen as signed yuan with two decimals: -1234 -> "-12.34".
std::string Yuan(int64_t fen);
// Basis points as a percentage without trailing zeros: 1300 -> "13", 150 -> "1.5".
std::string PercentOf(int64_t rate_bp);
// Lower-case names: "taxable", "exempt", "zero", "not_subject"; "blue"/"red";
// "individual"/"organisation".
std::string TreatmentName(pb::Treatment t);
std::string KindName(pb::InvoiceKind k);
std::string BuyerTypeName(pb::TitleType t);
// "20261121" -> "2026-11-21" (other text unchanged).
std::string IsoDate(std::string_view yyyymmdd);

}  // namespace fapiao::api::tax
