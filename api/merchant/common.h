// Helpers shared by the merchant routes: authentication to a Principal or a
// 401/403 problem, contract rejections to problems, reading protobuf records
// from committed state, and the amount / time parsers of request bodies.
// Pure functions over their arguments; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/auth/authorize.h"
#include "api/auth/key_store.h"
#include "api/merchant/ports.h"
#include "api/problem.h"
#include "ledger/core/state.h"

namespace fapiao::api::merchant {

Result<auth::Principal> AuthenticateRequest(const auth::KeyStore& keys, const Request& request);
// A 401/403 response for a failed Authenticate/Authorize status.
Response AuthProblem(const Status& status);
// ProblemResponse, with the Bearer challenge when the problem is a 401.
Response ProblemReply(const Problem& problem);
// 403 auth.forbidden: the role may never perform `action`.
Response Forbidden(const auth::Principal& principal, auth::Action action);
// The HTTP status of a contract rejection code: 404 unknown invoice / form, 409 state
// conflicts (vendor.exists, payment.conflicting_reference, mark and red-letter states),
// 403 wrong party (redletter.wrong_party, mark.not_locking_org, buyer.auth_failed), else 422.
int ContractHttpStatus(const std::string& code);
Response ContractProblem(const std::string& code, std::string field = {});
// 429 for mempool.full, 503 otherwise.
Response SubmitProblem(const Status& status);

template <typename Message>
bool LoadRecord(const StateView& view, const Bytes& key, Message& out) {
  auto v = view.Get(Column::kState, key);
  return v && out.ParseFromString(*v);
}

// amount_fen: a JSON integer or a string of decimal digits, 1..INT64_MAX.
ProblemOr<int64_t> ParseAmountFen(const nlohmann::json& value, const std::string& field);
// paid_at: Unix milliseconds (positive integer) or RFC 3339 ("2026-11-20T10:00:00+08:00",
// fractional seconds to the millisecond).
ProblemOr<uint64_t> ParseTimeMs(const nlohmann::json& value, const std::string& field);
std::optional<uint64_t> ParseRfc3339Ms(std::string_view text);

}  // namespace fapiao::api::merchant
