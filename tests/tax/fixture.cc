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
  api::testing::TestClient client(server_->port());
  auto req = api::testing::MakeRequest(http::verb::get, target);
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  REQUIRE_FALSE(client.Send(std::move(req)));
  api::testing::ClientResponse res;
  REQUIRE_FALSE(client.Read(res));
  Reply r;
  r.status = static_cast<int>(res.result_int());
  r.content_type = std::string(res[http::field::content_type]);
  r.www_authenticate = std::string(res[http::field::www_authenticate]);
  r.raw = res.body();
  r.body = nlohmann::json::parse(res.body(), nullptr, false);
  return r;
}

}  // namespace fapiao::api::tax::test
