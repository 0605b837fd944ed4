#include "api/auth/keys.h"

#include <utility>

namespace fapiao::api::auth {
namespace {

bool IsScopeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '-' || c == '@' || c == '/';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

Status ValidateScope(std::string_view scope) {
  if (scope.empty() || scope.size() > 128) {
    return Status::Error("auth.bad_scope", "the scope must be 1 to 128 characters long");
  }
  for (char c : scope) {
    if (!IsScopeChar(c)) {
      return Status::Error("auth.bad_scope",
                           "the scope may hold only letters, digits and . _ : - @ /");
    }
  }
  return Status::Ok();
}

Status ValidateLabel(std::string_view label) {
  if (label.size() > 200) {
    return Status::Error("auth.bad_label", "the label must be at most 200 bytes long");
  }
  for (char c : label) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return Status::Error("auth.bad_label", "the label may not hold control characters");
    }
  }
  return Status::Ok();
}

Result<IssuedKey> IssueKey(KeyStore& store, Role role, std::string scope, std::string label,
                           int64_t now_ms, const RandomBytes& random) {
  if (!IsKeyedRole(role)) {
    return Status::Error("auth.bad_role",
                         "API keys are for vendor, market_operator, payment_provider, "
                         "reimbursing_org and tax_officer; not " +
                             std::string(RoleName(role)));
  }
  if (Status s = ValidateScope(scope); !s.ok()) return s;
  if (Status s = ValidateLabel(label); !s.ok()) return s;
  std::array<uint8_t, kKeyIdBytes> id{};
  Secret secret{};
  if (Status s = random(id); !s.ok()) return s;
  if (Status s = random(secret); !s.ok()) return s;
  IssuedKey issued;
  issued.record.key_id = ToHex(id);
  issued.record.secret_sha256 = HashSecret(secret);
  issued.record.role = role;
  issued.record.scope = std::move(scope);
  issued.record.label = std::move(label);
  issued.record.created_at_ms = now_ms;
  if (Status s = store.Insert(issued.record); !s.ok()) return s;
  issued.token = FormatToken(issued.record.key_id, secret);
  return issued;
}

Result<Principal> Authenticate(const KeyStore& store, std::string_view authorization) {
  authorization = Trim(authorization);
  if (authorization.empty()) {
    return Status::Error("auth.missing", "this route needs an API key (Authorization: Bearer)");
  }
  const size_t space = authorization.find(' ');
  if (space == std::string_view::npos || !IEquals(authorization.substr(0, space), "Bearer")) {
    return Status::Error("auth.malformed", "the Authorization header must be 'Bearer <API key>'");
  }
  auto token = ParseToken(Trim(authorization.substr(space + 1)));
  if (!token.ok()) return token.status();
  auto found = store.Find(token->key_id);
  if (!found.ok()) return found.status();
  const SecretHash presented = HashSecret(token->secret);
  // Compare against a dummy when the id is unknown, so both paths hash and compare.
  const SecretHash stored = found->has_value() ? (*found)->secret_sha256 : SecretHash{};
  const bool match = HashesEqual(presented, stored);
  if (!found->has_value() || !match) {
    return Status::Error("auth.unknown_key", "the API key is not known to this node");
  }
  const KeyRecord& record = **found;
  if (record.revoked) {
    return Status::Error("auth.revoked", "the API key " + record.key_id + " has been revoked");
  }
  Principal p;
  p.role = record.role;
  p.scope = record.scope;
  p.key_id = record.key_id;
  return p;
}

int HttpStatusFor(const Status& status) {
  const std::string& c = status.code();
  if (c == "auth.missing" || c == "auth.malformed" || c == "auth.unknown_key" ||
      c == "auth.revoked") {
    return 401;
  }
  if (c == "auth.forbidden") return 403;
  return 500;
}

}  // namespace fapiao::api::auth
