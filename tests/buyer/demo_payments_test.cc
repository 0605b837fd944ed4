// POST /demo/payments (api/merchant/demo_payments.cc) on its own router, over a
// contract chain without vendors and a submitter that must never be called:
//  - the route exists only on a payment provider's node with demo_payments on
//  - every bad form is a problem with its code and field, and submits nothing
// (The path that attests and redirects runs in tests/browser against real nodes.)
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/merchant/merchant_api.h"
#include "tests/contracts/harness.h"

namespace fapiao::api::merchant {

void AddBuyerPageRoutes(Router& router, const MerchantContext& ctx);  // buyer_page.cc

namespace {

class ChainState final : public CommittedState {
 public:
  explicit ChainState(contracts::test::Chain& chain) : chain_(chain) {}
  const StateView& view() const override { return chain_.state(); }
  uint64_t height() const override { return 1; }
  uint64_t block_time_ms() const override { return chain_.now(); }
  Result<TxInclusionProof> ProveEvent(uint64_t, std::string_view) const override {
    return Status::Error("store.tx_not_found", "none");
  }
  void AwaitHeight(uint64_t, std::chrono::milliseconds, std::function<void()> then) const override {
    then();
  }

 private:
  contracts::test::Chain& chain_;
};

class NoSubmitter final : public Submitter {
 public:
  void Submit(uint32_t, Bytes, Done, const SubmitOptions&) override { ++calls; }
  int calls = 0;
};

struct Demo {
  explicit Demo(pb::Role role, bool demo) : state(chain) {
    MerchantContext ctx{
        &state,
        &submitter,
        &keys,
        &claims,
        NodeIdentity{contracts::test::kPay, role, contracts::test::kChain, "http://pay:1",
                     &chain.hasher(), nullptr, SuiteId::kEd25519Sha256},
        nullptr};
    ctx.demo_payments = demo;
    AddBuyerPageRoutes(router, ctx);
  }
  // The route's answer, or nullopt when no route matches.
  std::optional<Response> Post(const std::string& body,
                               const std::string& type = "application/x-www-form-urlencoded") {
    RouteMatch m = router.Match("POST", "/demo/payments");
    if (!m.route) return std::nullopt;
    Request req;
    req.method = "POST";
    req.target = req.path = "/demo/payments";
    req.headers = {{"Content-Type", type}};
    req.body = body;
    std::optional<Response> out;
    m.route->handler(req, Responder([&](Response r) { out = std::move(r); }));
    REQUIRE(out.has_value());
    return out;
  }

  contracts::test::Chain chain;
  ChainState state;
  NoSubmitter submitter;
  auth::MemoryKeyStore keys;
  ClaimTokens claims{Bytes(kClaimSecretBytes, 'k'), chain.hasher()};
  Router router;
};

nlohmann::json Body(const Response& r) {
  return nlohmann::json::parse(r.body);
}

TEST_CASE("demo payments exist only on a payment provider's node with the option on", "[buyer]") {
  CHECK_FALSE(Demo(pb::PAYMENT_PROVIDER, false).Post("vendor_id=v-1&amount=1").has_value());
  CHECK_FALSE(Demo(pb::MARKET_OPERATOR, true).Post("vendor_id=v-1&amount=1").has_value());
  CHECK(Demo(pb::PAYMENT_PROVIDER, true).Post("vendor_id=v-1&amount=1").has_value());
}

TEST_CASE("a bad demo payment form is a problem naming its field and submits nothing", "[buyer]") {
  Demo d(pb::PAYMENT_PROVIDER, true);
  struct Case {
    std::string body, type;
    int status;
    std::string code, field;
  };
  const std::string form = "application/x-www-form-urlencoded";
  const std::vector<Case> cases = {
      {"{\"vendor_id\": \"v-1\"}", "application/json", 415, "request.unsupported_media_type", ""},
      {"vendor_id=v-1&amount=%zz", form, 400, "request.malformed_form", ""},
      {"vendor_id=v-1&amount=1&colour=red", form, 400, "request.unknown_field", "/colour"},
      {"vendor_id=v-1", form, 400, "request.missing_field", "/amount"},
      {"amount=1", form, 400, "request.missing_field", "/vendor_id"},
      {"vendor_id=v-1&amount=0", form, 422, "request.invalid_amount", "/amount"},
      {"vendor_id=v-1&amount=0.00", form, 422, "request.invalid_amount", "/amount"},
      {"vendor_id=v-1&amount=1.234", form, 422, "request.invalid_amount", "/amount"},
      {"vendor_id=v-1&amount=12.", form, 422, "request.invalid_amount", "/amount"},
      {"vendor_id=v-1&amount=-5", form, 422, "request.invalid_amount", "/amount"},
      {"vendor_id=v-1&amount=1e3", form, 422, "request.invalid_amount", "/amount"},
      {"vendor_id=v-1&amount=1234567890123", form, 422, "request.invalid_amount", "/amount"},
      {"vendor_id=v-1&amount=", form, 422, "request.invalid_amount", "/amount"},
      {"vendor_id=v-1&amount=1&item=" + std::string(65, 'x'), form, 422, "request.invalid_field",
       "/item"},
      {"vendor_id=v-9&amount=12.5", form, 404, "vendor.unknown", "/vendor_id"},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    auto r = d.Post(c.body, c.type);
    REQUIRE(r.has_value());
    CHECK(r->status == c.status);
    CHECK(r->content_type == "application/problem+json");
    const auto j = Body(*r);
    CHECK(j["code"] == c.code);
    CHECK(j.value("field", std::string()) == c.field);
  }
  CHECK(d.submitter.calls == 0);
}

}  // namespace
}  // namespace fapiao::api::merchant
