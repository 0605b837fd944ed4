// The two QR texts of an invoice (DOMAIN.md "QR codes"; docs/qr.md): the
// signed verification payload (FPV1 text) and the national comma-separated
// form. Shared by the QR routes and the printable document. Thread-safe.
#pragma once

#include <string>

#include "api/merchant/invoice_access.h"

namespace fapiao::api::merchant {

// The FPV1 text of `stored`, signed by this node's member; 421
// invoice.wrong_node on a node that does not operate the invoice's market.
ProblemOr<std::string> VerificationTextOf(const MerchantContext& ctx, const StoredInvoice& stored);

// The national QR text (01,32,,<number>,<pre-tax>,<date>,<check code>,<trailer>).
ProblemOr<std::string> NationalTextOf(const pb::Invoice& invoice);

}  // namespace fapiao::api::merchant
