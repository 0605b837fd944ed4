// Idempotency keys of the merchant write routes (docs/http.md "Writes:
// idempotency and asynchronous answers"). A client's `Idempotency-Key` header
// becomes, per transaction kind, a ledger idempotency key scoped to the caller's
// API key, with a hash of the request, so a retry on this node — even after a
// restart, even racing the first — never takes a second effect: the contracts
// receipt repeats as `tx.idempotent_repeat` and the route answers from the first
// transaction's record. Pure over the ports; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/merchant/merchant_api.h"
#include "api/problem.h"

namespace fapiao::api::merchant {

inline constexpr std::string_view kIdempotencyHeader = "Idempotency-Key";

// 400 request.bad_idempotency_key unless the header is absent or 1-255
// printable ASCII characters (a UUID is typical).
std::optional<Problem> CheckIdempotencyHeader(const Request& request);

// What one request's writes carry: empty when the request has no key.
class WriteIdentity {
 public:
  // REQUIRES: CheckIdempotencyHeader(request) passed.
  static WriteIdentity Of(const MerchantContext& ctx, const Request& request);
  bool keyed() const { return !client_key_.empty(); }
  // The transaction options for a write of `kind` (none when not keyed).
  SubmitOptions For(const Hasher& hasher, uint32_t kind) const;

 private:
  std::string scope_;       // "key:<key id>" or "public"
  std::string client_key_;  // the header's value
  Bytes request_hash_;
};

// The answer to a keyed write of `kind` whose first transaction is already
// committed: its outcome (`replayed`), or a refusal (tx.idempotency_key_reused)
// when the key was first used for another request. nullopt: not keyed, or new.
std::optional<SubmitOutcome> CommittedRepeat(const MerchantContext& ctx, const WriteIdentity& write,
                                             uint32_t kind);

// Submits like ctx.submitter->Submit, with the request's idempotency key; a
// repeat (answered before submitting when the first is already committed) calls
// `done` with the first transaction's outcome and `replayed` set. A key reused
// for another request is refused with code tx.idempotency_key_reused.
void SubmitWrite(const MerchantContext& ctx, const WriteIdentity& write, uint32_t kind,
                 Bytes payload, Submitter::Done done);

// Submits the (kind, payload) writes with the request's idempotency keys as
// consecutive transactions of one batch (Submitter::SubmitAll: one block, in order),
// each settled as SubmitWrite settles it. A retry whose first writes are already
// committed goes write by write through SubmitWrite instead.
void SubmitWrites(const MerchantContext& ctx, const WriteIdentity& write,
                  std::vector<std::pair<uint32_t, Bytes>> writes, Submitter::DoneAll done);

}  // namespace fapiao::api::merchant
