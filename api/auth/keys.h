// Issuing, revoking and checking API keys: IssueKey makes a token (shown once)
// and stores only its hash; Authenticate turns an Authorization header into
// the Principal it acts as. Errors are stable `auth.*` codes; HttpStatusFor
// maps them to 401 / 403. Thread-safe as far as the KeyStore is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/auth/key_store.h"
#include "api/auth/principal.h"
#include "api/auth/token.h"
#include "ledger/core/status.h"

namespace fapiao::api::auth {

// The challenge to send with a 401 (WWW-Authenticate header value).
inline constexpr std::string_view kBearerChallenge = "Bearer realm=\"fapiao\"";

struct IssuedKey {
  KeyRecord record;
  std::string token;  // the only copy of the secret; print it once
};

// REQUIRES nothing; refuses with `auth.bad_role` (buyer, anonymous),
// `auth.bad_scope` (1-128 of A-Z a-z 0-9 . _ : - @ /) or `auth.bad_label`
// (at most 200 bytes, no control characters).
Result<IssuedKey> IssueKey(KeyStore& store, Role role, std::string scope, std::string label,
                           int64_t now_ms, const RandomBytes& random = OpenSslRandomBytes);
Status ValidateScope(std::string_view scope);
Status ValidateLabel(std::string_view label);

// `Authorization: Bearer fpk_<key id>_<secret>`. Codes: auth.missing (no or
// empty header), auth.malformed (not Bearer, or not a token), auth.unknown_key
// (no such key, or the secret does not match), auth.revoked; storage failures
// keep their own codes (auth.store_io, auth.store_corrupt).
Result<Principal> Authenticate(const KeyStore& store, std::string_view authorization);

// 401 for the authentication codes, 403 for auth.forbidden, 500 otherwise.
// REQUIRES: !status.ok()
int HttpStatusFor(const Status& status);

}  // namespace fapiao::api::auth
