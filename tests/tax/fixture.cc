#include "tests/tax/fixture.h"

#include <catch2/catch.hpp>

#include <random>

namespace fapiao::api::tax::test {

namespace http = boost::beast::http;

std::filesystem::path MakeTempDir() {
  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("fapiao-tax-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir;
}

TaxWorld::TaxWorld() : dir_(MakeTempDir()), audit_path_(dir_ / "tax-audit.log") {
  auto log = FileAuditLog::Open(audit_path_.string());
  REQUIRE(log.ok());
  audit_ = std::move(*log);
  Router router;
  AddTaxRoutes(router, {&world_.committed(), &world_.keys(), audit_.get(), 1});
  server_ = std::make_unique<api::testing::ServerFixture>(std::move(router));
}

TaxWorld::~TaxWorld() {
  server_.reset();
  audit_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Reply TaxWorld::Get(const std::string& target, const std::string& token) {
  return merchant::test::CallPort(server_->port(), http::verb::get, target, "", token);
}

}  // namespace fapiao::api::tax::test
