// Issuing keys and authenticating requests: every Authenticate failure code,
// its HTTP status, and the checks IssueKey makes.
#include <catch2/catch.hpp>

#include <string>

#include "api/auth/keys.h"

namespace fapiao::api::auth {
namespace {

struct Fixture {
  MemoryKeyStore store;
  IssuedKey vendor = Issue(Role::kVendor, "v-123", "stall 12");

  IssuedKey Issue(Role role, std::string scope, std::string label) {
    auto issued = IssueKey(store, role, std::move(scope), std::move(label), 1760000000000);
    REQUIRE(issued.ok());
    return *issued;
  }
};

std::string CodeOf(const Result<Principal>& r) {
  return r.ok() ? "ok" : r.status().code();
}

TEST_CASE("keys: an issued key authenticates as its role, scope and key id") {
  Fixture f;
  CHECK(f.vendor.token.starts_with("fpk_" + f.vendor.record.key_id + "_"));
  CHECK(f.vendor.record.created_at_ms == 1760000000000);
  CHECK(f.vendor.record.label == "stall 12");
  for (const std::string& header :
       {"Bearer " + f.vendor.token, "bearer " + f.vendor.token, "  BEARER   " + f.vendor.token}) {
    INFO(header);
    auto p = Authenticate(f.store, header);
    REQUIRE(p.ok());
    CHECK(p->role == Role::kVendor);
    CHECK(p->scope == "v-123");
    CHECK(p->key_id == f.vendor.record.key_id);
  }
}

TEST_CASE("keys: every role with a key authenticates as itself") {
  Fixture f;
  for (Role role : AllRoles()) {
    if (!IsKeyedRole(role)) continue;
    const IssuedKey k = f.Issue(role, "scope-" + std::string(RoleName(role)), "");
    auto p = Authenticate(f.store, "Bearer " + k.token);
    REQUIRE(p.ok());
    CHECK(p->role == role);
    CHECK(p->scope == k.record.scope);
  }
}

TEST_CASE("keys: Authenticate failure codes and their HTTP status") {
  Fixture f;
  const std::string token = f.vendor.token;
  std::string wrong_secret = token;
  wrong_secret.back() = wrong_secret.back() == '0' ? '1' : '0';
  std::string unknown_id = token;
  unknown_id[4] = unknown_id[4] == '0' ? '1' : '0';

  CHECK(CodeOf(Authenticate(f.store, "")) == "auth.missing");
  CHECK(CodeOf(Authenticate(f.store, "   ")) == "auth.missing");
  CHECK(CodeOf(Authenticate(f.store, "Basic dXNlcjpwYXNz")) == "auth.malformed");
  CHECK(CodeOf(Authenticate(f.store, token)) == "auth.malformed");  // no scheme
  CHECK(CodeOf(Authenticate(f.store, "Bearer")) == "auth.malformed");
  CHECK(CodeOf(Authenticate(f.store, "Bearer not-a-key")) == "auth.malformed");
  CHECK(CodeOf(Authenticate(f.store, "Bearer " + token + "00")) == "auth.malformed");
  CHECK(CodeOf(Authenticate(f.store, "Bearer " + unknown_id)) == "auth.unknown_key");
  CHECK(CodeOf(Authenticate(f.store, "Bearer " + wrong_secret)) == "auth.unknown_key");
  REQUIRE(f.store.Revoke(f.vendor.record.key_id).ok());
  CHECK(CodeOf(Authenticate(f.store, "Bearer " + token)) == "auth.revoked");
  // A revoked key with a wrong secret says nothing about revocation.
  CHECK(CodeOf(Authenticate(f.store, "Bearer " + wrong_secret)) == "auth.unknown_key");

  for (const char* code : {"auth.missing", "auth.malformed", "auth.unknown_key", "auth.revoked"}) {
    CHECK(HttpStatusFor(Status::Error(code, "x")) == 401);
  }
  CHECK(HttpStatusFor(Status::Error("auth.forbidden", "x")) == 403);
  CHECK(HttpStatusFor(Status::Error("auth.store_io", "x")) == 500);
}

TEST_CASE("keys: storage failures surface with their own code") {
  class BrokenStore final : public KeyStore {
   public:
    Result<std::optional<KeyRecord>> Find(std::string_view) const override {
      return Status::Error("auth.store_io", "disk gone");
    }
    Result<std::vector<KeyRecord>> List() const override { return Find("").status(); }
    Status Insert(const KeyRecord&) override { return Status::Error("auth.store_io", "disk"); }
    Status Revoke(std::string_view) override { return Status::Error("auth.store_io", "disk"); }
  } broken;
  MemoryKeyStore scratch;
  auto k = IssueKey(scratch, Role::kVendor, "v-1", "", 0);
  REQUIRE(k.ok());
  CHECK(CodeOf(Authenticate(broken, "Bearer " + k->token)) == "auth.store_io");
  auto issued = IssueKey(broken, Role::kVendor, "v-1", "", 0);
  REQUIRE_FALSE(issued.ok());
  CHECK(issued.status().code() == "auth.store_io");
}

TEST_CASE("keys: IssueKey refuses keyless roles, bad scopes and labels, failed randomness") {
  MemoryKeyStore store;
  auto code = [&](Role role, std::string scope, std::string label,
                  const RandomBytes& random = OpenSslRandomBytes) {
    auto r = IssueKey(store, role, std::move(scope), std::move(label), 0, random);
    return r.ok() ? std::string("ok") : r.status().code();
  };
  CHECK(code(Role::kBuyer, "claim-1", "") == "auth.bad_role");
  CHECK(code(Role::kAnonymous, "x", "") == "auth.bad_role");
  CHECK(code(Role::kVendor, "", "") == "auth.bad_scope");
  CHECK(code(Role::kVendor, "v 1", "") == "auth.bad_scope");
  CHECK(code(Role::kVendor, std::string(129, 'a'), "") == "auth.bad_scope");
  CHECK(code(Role::kVendor, std::string(128, 'a'), "") == "ok");
  CHECK(code(Role::kMarketOperator, "pu-er:central-market/2", "菜市场 北门") == "ok");
  CHECK(code(Role::kVendor, "v-1", "line\nbreak") == "auth.bad_label");
  CHECK(code(Role::kVendor, "v-1", std::string(201, 'x')) == "auth.bad_label");
  const RandomBytes failing = [](std::span<uint8_t>) {
    return Status::Error("auth.random", "no entropy");
  };
  CHECK(code(Role::kVendor, "v-1", "", failing) == "auth.random");
  auto list = store.List();
  REQUIRE(list.ok());
  CHECK(list->size() == 2);  // only the two successes were stored
}

TEST_CASE("keys: two issued keys never share an id or a secret") {
  MemoryKeyStore store;
  auto a = IssueKey(store, Role::kVendor, "v-1", "", 0);
  auto b = IssueKey(store, Role::kVendor, "v-1", "", 0);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->record.key_id != b->record.key_id);
  CHECK(a->token.substr(21) != b->token.substr(21));
}

}  // namespace
}  // namespace fapiao::api::auth
