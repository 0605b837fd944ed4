// JSON <-> protobuf mapping of the red-letter routes (docs/http.md "Merchant API
// (part 3)"): the body of POST /v1/red-letter-forms and of the form actions
// (confirm, reject, withdraw), the buyer's secret chain step, and the form
// record as JSON. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "api/problem.h"
#include "ledger/core/bytes.h"
#include "proto/contracts.pb.h"

namespace fapiao::api::merchant {

// The buyer's proof: the current secret (64 hex) and, optionally, the hash of
// the next one (64 hex); without it the node draws the next secret.
struct BuyerProof {
  Bytes secret;
  std::optional<Bytes> next_auth_hash;
};

struct OpenFormInput {
  pb::OpenRedLetterForm open;  // blue_number, reason, full, lines; opener and buyer unset
  std::optional<BuyerProof> buyer;
};

std::span<const FieldSpec> OpenFormSpec();
std::span<const FieldSpec> FormActionSpec();

ProblemOr<OpenFormInput> ParseOpenForm(const nlohmann::json& body);
// The optional "buyer" of an action body.
ProblemOr<std::optional<BuyerProof>> ParseFormAction(const nlohmann::json& body);

// "invoicing_error", "return", "service_stopped", "allowance" for reasons 1-4.
std::string_view ReasonName(uint32_t reason);

// The form with its status; a PENDING form past deadline_ms is lapsed (docs).
nlohmann::json FormJson(const pb::RedLetterForm& form);

}  // namespace fapiao::api::merchant
