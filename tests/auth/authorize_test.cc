// The role x action matrix, table-driven from tests/data/auth/matrix.json:
// every role against every action, in scope and out of scope, and the same
// table as printed in docs/auth.md. A change of rule must change the table.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "api/auth/authorize.h"

namespace fapiao::api::auth {
namespace {

struct Row {
  bool scoped = true;
  std::set<std::string> allow;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::map<std::string, Row> LoadMatrix() {
  const auto doc = nlohmann::json::parse(Slurp(FAPIAO_TEST_DATA_DIR "/auth/matrix.json"));
  std::map<std::string, Row> rows;
  for (const auto& [role, row] : doc.at("roles").items()) {
    Row r;
    r.scoped = row.at("scoped").get<bool>();
    for (const auto& a : row.at("allow")) {
      INFO(role << " allows " << a);
      REQUIRE(ParseAction(a.get<std::string>()).has_value());
      r.allow.insert(a.get<std::string>());
    }
    rows.emplace(role, std::move(r));
  }
  return rows;
}

ResourceScope AllPredicates(bool answer) {
  auto p = [answer](std::string_view) { return answer; };
  return {p, p, p, p, p};
}

Principal As(Role role) {
  Principal p;
  p.role = role;
  p.scope = role == Role::kAnonymous ? "" : "s-1";
  return p;
}

TEST_CASE("authorize: the table names every role exactly once") {
  const auto rows = LoadMatrix();
  CHECK(rows.size() == AllRoles().size());
  for (Role role : AllRoles()) CHECK(rows.contains(std::string(RoleName(role))));
}

TEST_CASE("authorize: every role x action, in scope, follows the table") {
  const auto rows = LoadMatrix();
  for (Role role : AllRoles()) {
    const Row& row = rows.at(std::string(RoleName(role)));
    for (Action action : AllActions()) {
      const bool expected = row.allow.contains(std::string(ActionName(action)));
      INFO(RoleName(role) << " " << ActionName(action) << " expected "
                          << (expected ? "allowed" : "refused"));
      CHECK(RoleMay(role, action) == expected);
      const Status s = Authorize(As(role), action, AllPredicates(true));
      CHECK(s.ok() == expected);
      if (!expected) CHECK(s.code() == "auth.forbidden");
    }
  }
}

TEST_CASE("authorize: out of scope, scoped roles are refused every action but verify") {
  const auto rows = LoadMatrix();
  for (Role role : AllRoles()) {
    const Row& row = rows.at(std::string(RoleName(role)));
    for (Action action : AllActions()) {
      const bool allowed = row.allow.contains(std::string(ActionName(action)));
      const bool expected = allowed && (!row.scoped || action == Action::kVerify);
      INFO(RoleName(role) << " " << ActionName(action) << " on a foreign resource");
      const Status foreign = Authorize(As(role), action, AllPredicates(false));
      CHECK(foreign.ok() == expected);
      if (!expected) CHECK(foreign.code() == "auth.forbidden");
      // A route that supplies no predicate at all refuses the same way.
      CHECK(Authorize(As(role), action, ResourceScope{}).ok() == expected);
    }
  }
}

TEST_CASE("authorize: each role is checked against its own predicate only") {
  struct Case {
    Role role;
    ResourceScope::Predicate ResourceScope::*predicate;
    Action action;
  };
  const Case cases[] = {
      {Role::kVendor, &ResourceScope::owned_by_vendor, Action::kIssueInvoice},
      {Role::kMarketOperator, &ResourceScope::in_market, Action::kRegisterVendor},
      {Role::kPaymentProvider, &ResourceScope::processed_by, Action::kAttestPayment},
      {Role::kReimbursingOrg, &ResourceScope::submitted_to, Action::kLockReimbursement},
      {Role::kBuyer, &ResourceScope::covered_by_claim, Action::kRequestInvoice},
  };
  for (const Case& c : cases) {
    INFO(RoleName(c.role));
    ResourceScope only = AllPredicates(false);
    only.*c.predicate = [](std::string_view scope) { return scope == "s-1"; };
    CHECK(Authorize(As(c.role), c.action, only).ok());
    Principal other = As(c.role);
    other.scope = "s-2";
    CHECK(Authorize(other, c.action, only).code() == "auth.forbidden");
    ResourceScope all_but = AllPredicates(true);
    all_but.*c.predicate = nullptr;
    CHECK(Authorize(As(c.role), c.action, all_but).code() == "auth.forbidden");
  }
}

TEST_CASE("authorize: equality scopes for vendor resources and payments") {
  Principal vendor{Role::kVendor, "v-1", "k"};
  Principal other_vendor{Role::kVendor, "v-2", "k"};
  Principal op{Role::kMarketOperator, "m-1", "k"};
  Principal other_op{Role::kMarketOperator, "m-2", "k"};
  Principal provider{Role::kPaymentProvider, "pp-1", "k"};
  Principal other_provider{Role::kPaymentProvider, "pp-2", "k"};
  const ResourceScope stall = ResourceScope::Vendor("v-1", "m-1");
  CHECK(Authorize(vendor, Action::kReadVendor, stall).ok());
  CHECK_FALSE(Authorize(other_vendor, Action::kReadVendor, stall).ok());
  CHECK(Authorize(op, Action::kSuspendVendor, stall).ok());
  CHECK_FALSE(Authorize(other_op, Action::kSuspendVendor, stall).ok());
  const ResourceScope payment = ResourceScope::Payment("v-1", "m-1", "pp-1");
  CHECK(Authorize(provider, Action::kReadPayment, payment).ok());
  CHECK_FALSE(Authorize(other_provider, Action::kReadPayment, payment).ok());
  CHECK(Authorize(vendor, Action::kReadPayment, payment).ok());
  CHECK_FALSE(Authorize(op, Action::kReadPayment, payment).ok());  // no buyer lines
  // A principal with an empty scope never matches, even an empty resource field.
  Principal unscoped{Role::kVendor, "", "k"};
  CHECK_FALSE(Authorize(unscoped, Action::kReadVendor, ResourceScope::Vendor("", "")).ok());
  CHECK(Authorize(Principal::Buyer("claim-9"), Action::kVerify, {}).ok());
  CHECK(Authorize(Principal::Anonymous(), Action::kVerify, {}).ok());
}

TEST_CASE("authorize: role and action names round-trip") {
  for (Role role : AllRoles()) CHECK(ParseRole(RoleName(role)) == role);
  for (Action action : AllActions()) CHECK(ParseAction(ActionName(action)) == action);
  CHECK_FALSE(ParseRole("admin").has_value());
  CHECK_FALSE(ParseAction("invoice.void").has_value());
}

// docs/auth.md prints the matrix between two markers as a Markdown table:
// | action | vendor | market_operator | ... | with "yes" or "-" per cell.
TEST_CASE("authorize: docs/auth.md prints the same table") {
  const auto rows = LoadMatrix();
  const std::string doc = Slurp(FAPIAO_DOCS_DIR "/auth.md");
  const size_t begin = doc.find("<!-- matrix:begin -->");
  const size_t end = doc.find("<!-- matrix:end -->");
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  std::istringstream table(doc.substr(begin, end - begin));
  std::string line;
  std::vector<std::string> header;
  size_t actions_seen = 0;
  auto cells = [](const std::string& l) {
    std::vector<std::string> out;
    std::istringstream in(l);
    std::string cell;
    std::getline(in, cell, '|');  // before the first bar
    while (std::getline(in, cell, '|')) {
      const size_t a = cell.find_first_not_of(' ');
      const size_t b = cell.find_last_not_of(' ');
      out.push_back(a == std::string::npos ? "" : cell.substr(a, b - a + 1));
    }
    if (!out.empty() && out.back().empty()) out.pop_back();
    return out;
  };
  while (std::getline(table, line)) {
    if (!line.starts_with("|")) continue;
    auto row = cells(line);
    if (header.empty()) {
      header = row;
      REQUIRE(header.size() == AllRoles().size() + 1);
      continue;
    }
    if (row.front().starts_with("-")) continue;  // separator
    REQUIRE(row.size() == header.size());
    std::string action = row[0];
    action.erase(std::remove(action.begin(), action.end(), '`'), action.end());
    INFO("docs row " << action);
    REQUIRE(ParseAction(action).has_value());
    ++actions_seen;
    for (size_t i = 1; i < row.size(); ++i) {
      INFO("column " << header[i]);
      REQUIRE(rows.contains(header[i]));
      const bool allowed = rows.at(header[i]).allow.contains(action);
      CHECK(row[i] == (allowed ? "yes" : "-"));
    }
  }
  CHECK(actions_seen == AllActions().size());
}

}  // namespace
}  // namespace fapiao::api::auth
