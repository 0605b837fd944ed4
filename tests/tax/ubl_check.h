// A checker of exported UBL documents for the tax export tests. No XML parser is
// a dependency of the project, so documents are checked by structured string
// extraction: tags must balance (a well-formedness check of our own output,
// which has no comments, CDATA or attributes with '>'), then the amounts of each
// document are read from their elements and BR-CO-10/14/15/16/17 are checked.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fapiao::api::tax::test {

struct CheckedDocument {
  std::string root;  // "Invoice" or "CreditNote"
  std::string id;
  std::string type_code;
  std::string billing_reference;  // credit notes
  std::string buyer_name;
  std::vector<std::string> categories;       // TaxSubtotal category IDs, in order
  std::vector<std::string> exemption_codes;  // TaxExemptionReasonCode values
  int64_t line_extension_fen = 0;
  int64_t tax_fen = 0;
  int64_t payable_fen = 0;
  int64_t rounding_fen = 0;
};

// Every document inside `xml` (an <Export> or a single document); each failed
// rule is added to `errors` as "<id>: BR-CO-xx ...".
std::vector<CheckedDocument> CheckUbl(const std::string& xml, std::vector<std::string>& errors);

// "12.34" / "-0.01" / "5" -> fen. Throws on anything else.
int64_t ParseFen(const std::string& amount);

}  // namespace fapiao::api::tax::test
