// EN 16931 UBL 2.1 documents of ledger invoices for the tax export (docs/http.md
// "Tax API: exports"): a blue invoice is an `Invoice` (type 380), a red one a
// `CreditNote` (381, positive amounts) with a BillingReference to its blue
// invoice; currency CNY. The VAT breakdown is rounded per category (BR-CO-17)
// and the ledger's per-line rounding difference goes to PayableRoundingAmount.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/contracts.pb.h"

namespace fapiao::api::tax {

// One VAT breakdown (BG-23) of a document, amounts in fen, signs as in the
// document (positive for a credit note).
struct VatBreakdown {
  char category = 'S';  // S taxable, Z zero-rated, E exempt, O not subject
  int64_t rate_bp = 0;
  std::string policy_code;  // E: the exemption reason code
  int64_t taxable_fen = 0;
  int64_t tax_fen = 0;  // round(taxable x rate, 2), half away from zero
};

struct UblTotals {
  int64_t line_extension_fen = 0;  // sum of line net amounts (BR-CO-10)
  int64_t tax_fen = 0;             // sum of the breakdowns' tax (BR-CO-14)
  int64_t tax_inclusive_fen = 0;   // line_extension + tax (BR-CO-15)
  int64_t rounding_fen = 0;        // ledger total - tax_inclusive
  int64_t payable_fen = 0;         // the ledger's total (tax_inclusive + rounding)
  std::vector<VatBreakdown> breakdowns;
};

char VatCategory(pb::Treatment t);
// round(taxable_fen x rate_bp / 10000), half away from zero.
int64_t CategoryTax(int64_t taxable_fen, int64_t rate_bp);
// The document's totals and breakdowns (by category, rate and exemption code, in
// first-appearance order). A red invoice's amounts are negated.
UblTotals ComputeTotals(const pb::Invoice& invoice);
// The standalone XML element (no XML declaration) of `invoice`.
std::string UblDocument(const pb::Invoice& invoice);

// The export container: XML declaration and the opening / closing wrapper.
std::string UblExportOpen();
std::string UblExportClose();

}  // namespace fapiao::api::tax
