// Test fixture for the tax routes: the merchant World (tests/merchant/fixture.h,
// members 1/2 serve the merchant routes over one contract chain) plus a tax node
// serving AddTaxRoutes over the same committed state and keys, recording into a
// FileAuditLog in a fresh temporary folder. One test thread per object.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "api/tax/file_audit_log.h"
#include "api/tax/tax_api.h"
#include "tests/merchant/fixture.h"

namespace fapiao::api::tax::test {

using merchant::test::Reply;
using merchant::test::World;

class TaxWorld {
 public:
  TaxWorld();
  ~TaxWorld();
  World& world() { return world_; }
  const std::string& Token(const std::string& name) const { return world_.Token(name); }
  // A GET to the tax node with `token` (no Authorization header when empty).
  Reply Get(const std::string& target, const std::string& token);
  // The audit log's path and the log itself.
  const std::filesystem::path& audit_path() const { return audit_path_; }
  FileAuditLog& audit() { return *audit_; }

 private:
  World world_;
  std::filesystem::path dir_;
  std::filesystem::path audit_path_;
  std::unique_ptr<FileAuditLog> audit_;
  std::unique_ptr<api::testing::ServerFixture> server_;
};

// A fresh empty temporary folder, removed by the caller.
std::filesystem::path MakeTempDir();

}  // namespace fapiao::api::tax::test
