// JSON <-> protobuf mapping of the invoice routes (docs/http.md "Merchant API
// (part 2)"): the body of POST /v1/invoices (claim, buyer title, allocations,
// lines), the default line a buyer gets when it sends none, and the invoice
// record as JSON. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "api/problem.h"
#include "proto/contracts.pb.h"

namespace fapiao::api::merchant {

std::span<const FieldSpec> IssueInvoiceSpec();

struct ClaimInput {
  uint32_t provider = 0;
  std::string reference;
  std::string token;
  // The height of the block that attested the payment, as the provider's node
  // answered it (0: not given). The claim waits until this node has executed it.
  uint64_t height = 0;
  std::string Ref() const { return std::to_string(provider) + ":" + reference; }
};

// The checked body, still to be completed by the route (defaults, commitment).
struct IssueInput {
  std::optional<ClaimInput> claim;
  std::optional<pb::BuyerTitle> title;  // an individual's name is in `individual_name`
  std::string individual_name;
  std::string check_override_reason;
  pb::IssueInvoice issue;  // allocations and lines as sent (vendor_id unset)
};

ProblemOr<IssueInput> ParseIssueInput(const nlohmann::json& body);

// One line of the vendor's first default item class for a tax-inclusive total:
// the pre-tax amount a with a + round_half_up(a x rate) == total. nullopt when
// the vendor has no default or no such amount exists.
std::optional<pb::LineInput> DefaultLine(const pb::Vendor& vendor, const std::string& name,
                                         int64_t total_fen);

nlohmann::json InvoiceJson(const pb::Invoice& invoice);

}  // namespace fapiao::api::merchant
