#include "api/auth/keys_command.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <utility>

#include "api/auth/file_key_store.h"
#include "api/auth/keys.h"

namespace fapiao::api::auth {
namespace {

int Fail(std::ostream& err, const Status& s) {
  err << "fapiaod: " << s.ToString() << "\n";
  return 1;
}

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatTime(int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

KeysCommands::KeysCommands(CLI::App& app, DataDirOf data_dir_of)
    : data_dir_of_(std::move(data_dir_of)), now_ms_(SystemNowMs) {
  keys_ = app.add_subcommand("keys", "manage this node's API keys (add, list, revoke)");
  keys_->require_subcommand(1);
  add_ = keys_->add_subcommand("add", "issue an API key; prints its token once");
  list_ = keys_->add_subcommand("list", "list API keys (never their secrets)");
  revoke_ = keys_->add_subcommand("revoke", "revoke an API key");
  for (CLI::App* cmd : {add_, list_, revoke_}) {
    cmd->add_option("--config", config_, "node.toml")->required();
  }
  add_->add_option("--role", role_,
                   "vendor, market_operator, payment_provider, reimbursing_org or tax_officer")
      ->required();
  add_->add_option("--scope", scope_,
                   "vendor id, market, provider id, organisation id or officer reference")
      ->required();
  add_->add_option("--label", label_, "a note for operators, e.g. \"stall 12\"");
  revoke_->add_option("key_id", key_id_, "the key id (16 hex digits)")->required();
}

bool KeysCommands::selected() const {
  return keys_->parsed();
}

int KeysCommands::Run() const {
  return Run(std::cout, std::cerr);
}

int KeysCommands::Run(std::ostream& out, std::ostream& err) const {
  auto data_dir = data_dir_of_(config_);
  if (!data_dir.ok()) return Fail(err, data_dir.status());
  const std::string path = (std::filesystem::path(*data_dir) / kKeyFileName).string();
  if (add_->parsed()) return Add(path, out, err);
  if (list_->parsed()) return List(path, out, err);
  return RevokeKey(path, out, err);
}

int KeysCommands::Add(const std::string& path, std::ostream& out, std::ostream& err) const {
  const auto role = ParseRole(role_);
  if (!role || !IsKeyedRole(*role)) {
    return Fail(err, Status::Error("auth.bad_role",
                                   "--role: expected vendor, market_operator, payment_provider, "
                                   "reimbursing_org or tax_officer, not '" +
                                       role_ + "'"));
  }
  auto store = FileKeyStore::Open(path);
  if (!store.ok()) return Fail(err, store.status());
  auto issued = IssueKey(**store, *role, scope_, label_, now_ms_(), random_);
  if (!issued.ok()) return Fail(err, issued.status());
  out << issued->token << "\n";
  err << "issued API key " << issued->record.key_id << " (" << RoleName(*role) << " "
      << issued->record.scope << ") in " << path
      << "\nthe token above is shown only this once; give it to its holder now\n";
  return 0;
}

int KeysCommands::List(const std::string& path, std::ostream& out, std::ostream& err) const {
  auto store = FileKeyStore::Open(path);
  if (!store.ok()) return Fail(err, store.status());
  auto records = (*store)->List();
  if (!records.ok()) return Fail(err, records.status());
  out << std::left << std::setw(18) << "KEY ID" << std::setw(18) << "ROLE" << std::setw(24)
      << "SCOPE" << std::setw(22) << "CREATED" << std::setw(9) << "REVOKED"
      << "LABEL\n";
  for (const KeyRecord& r : *records) {
    out << std::setw(18) << r.key_id << std::setw(18) << RoleName(r.role) << std::setw(24)
        << r.scope << std::setw(22) << FormatTime(r.created_at_ms) << std::setw(9)
        << (r.revoked ? "yes" : "no") << r.label << "\n";
  }
  return 0;
}

int KeysCommands::RevokeKey(const std::string& path, std::ostream& out, std::ostream& err) const {
  if (!IsValidKeyId(key_id_)) {
    return Fail(err, Status::Error("auth.malformed",
                                   "key id: expected 16 lowercase hex digits, "
                                   "as printed by `fapiaod keys list`"));
  }
  auto store = FileKeyStore::Open(path);
  if (!store.ok()) return Fail(err, store.status());
  if (Status s = (*store)->Revoke(key_id_); !s.ok()) return Fail(err, s);
  out << "revoked API key " << key_id_ << "\n";
  return 0;
}

}  // namespace fapiao::api::auth
