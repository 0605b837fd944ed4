// Writes with Idempotency-Key and Prefer: respond-async (docs/http.md "Writes:
// idempotency and asynchronous answers"):
//  - a retried write answers the first outcome and submits nothing; a key reused for
//    another body is 422 tx.idempotency_key_reused and changes nothing; a malformed key
//    is 400 before anything happens
//  - a buyer's retried claim answers the same invoice (not claim.used), without secrets
//  - an asynchronous write answers 202 with an operation URL whose final answer is the
//    write's; a write that answers at once (a 4xx) answers directly
#include <catch2/catch.hpp>

#include <mutex>
#include <optional>

#include "api/merchant/operations.h"
#include "api/problem.h"
#include "tests/merchant/fixture.h"

namespace fapiao::api::merchant::test {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

api::Fields Key(const std::string& key) {
  return {{"Idempotency-Key", key}};
}

TEST_CASE("merchant: a retried write with an Idempotency-Key takes effect once",
          "[merchant][idempotency]") {
  World w;
  const std::string body = VendorBody("v-1").dump();
  auto first = w.Call(kOpNode, http::verb::post, "/v1/vendors", body, w.Token("operator"),
                      "application/json", Key("reg-v-1"));
  REQUIRE(first.status == 201);
  const uint64_t submits = w.submits();

  auto again = w.Call(kOpNode, http::verb::post, "/v1/vendors", body, w.Token("operator"),
                      "application/json", Key("reg-v-1"));
  CHECK(again.status == 201);
  CHECK(again.body["tx_id"] == first.body["tx_id"]);
  CHECK(again.body["height"] == first.body["height"]);
  CHECK(again.body["vendor"] == first.body["vendor"]);
  CHECK(w.submits() == submits);

  // Without the key the same body is a second attempt, refused by the ledger.
  auto unkeyed = w.Call(kOpNode, http::verb::post, "/v1/vendors", body, w.Token("operator"));
  CHECK(unkeyed.status == 409);
  CHECK(unkeyed.body["code"] == "vendor.exists");

  SECTION("the same key for another request is refused and changes nothing") {
    const auto snap = w.Snapshot();
    auto reused = w.Call(kOpNode, http::verb::post, "/v1/vendors", VendorBody("v-2").dump(),
                         w.Token("operator"), "application/json", Key("reg-v-1"));
    CHECK(reused.status == 422);
    CHECK(reused.body["code"] == "tx.idempotency_key_reused");
    CHECK(w.Snapshot() == snap);
  }
  SECTION("a malformed key is refused before anything happens") {
    const auto snap = w.Snapshot();
    for (const std::string& bad : {std::string("has space"), std::string(256, 'k')}) {
      auto r = w.Call(kOpNode, http::verb::post, "/v1/vendors", VendorBody("v-3").dump(),
                      w.Token("operator"), "application/json", Key(bad));
      CHECK(r.status == 400);
      CHECK(r.body["code"] == "request.bad_idempotency_key");
      CHECK(r.body["field"] == "Idempotency-Key");
    }
    CHECK(w.Snapshot() == snap);
  }
}

TEST_CASE("merchant: a buyer's retried claim answers the same invoice", "[merchant][idempotency]") {
  World w;
  const json body = SaleClaimBody(w);
  auto first = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), "",
                      "application/json", Key("claim-R-1"));
  REQUIRE(first.status == 201);
  CHECK(first.body.contains("buyer"));
  const uint64_t submits = w.submits();

  auto again = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), "",
                      "application/json", Key("claim-R-1"));
  CHECK(again.status == 201);
  CHECK(again.body["invoice"]["number"] == first.body["invoice"]["number"]);
  CHECK_FALSE(again.body.contains("buyer"));  // the secrets went to the first answer only
  CHECK(w.submits() == submits);

  auto unkeyed = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), "");
  CHECK(unkeyed.status == 403);
  CHECK(unkeyed.body["code"] == "claim.used");
}

// A handler that answers when the test says so, as a write waiting for its block does.
struct Deferred {
  std::mutex mu;
  std::optional<Responder> pending;
  Handler Handle(int inline_status) {
    return [this, inline_status](const Request&, Responder respond) {
      if (inline_status != 0) return respond(Response::Text(inline_status, "{}"));
      std::lock_guard lock(mu);
      pending = respond;
    };
  }
};

struct Captured {
  std::optional<Response> response;
  Responder responder() {
    return Responder([this](Response r) { response = std::move(r); });
  }
};

Request AsyncPost() {
  Request req;
  req.method = "POST";
  req.path = "/v1/vendors";
  req.headers = {{"Prefer", "respond-async, wait=0"}};
  return req;
}

TEST_CASE("merchant: Prefer: respond-async answers 202 and the operation keeps the answer",
          "[merchant][async]") {
  auto ops = std::make_shared<Operations>(Operations::Limits{});
  Router router;
  AddOperationsRoute(router, ops);
  const Route& get = *router.routes().front();
  const auto read = [&](const std::string& id) {
    Request req;
    req.method = "GET";
    req.path_params = {{"id", id}};
    Captured c;
    get.handler(req, c.responder());
    REQUIRE(c.response);
    return std::make_pair(c.response->status, json::parse(c.response->body));
  };

  Deferred deferred;
  Handler wrapped = AsyncWrite(deferred.Handle(0), ops);
  Captured client;
  wrapped(AsyncPost(), client.responder());
  REQUIRE(client.response);
  CHECK(client.response->status == 202);
  const json accepted = json::parse(client.response->body);
  const std::string id = accepted["id"];
  CHECK(accepted["status_url"] == "/v1/operations/" + id);
  bool location = false;
  for (const auto& [k, v] : client.response->headers)
    location |= k == "Location" && v == "/v1/operations/" + id;
  CHECK(location);

  auto [pending_status, pending] = read(id);
  CHECK(pending_status == 200);
  CHECK(pending["state"] == "pending");

  REQUIRE(deferred.pending);
  (*deferred.pending)(JsonResponse(201, json{{"vendor", {{"vendor_id", "v-1"}}}}));
  auto [done_status, done] = read(id);
  CHECK(done_status == 200);
  CHECK(done["state"] == "done");
  CHECK(done["status"] == 201);
  CHECK(done["response"]["vendor"]["vendor_id"] == "v-1");

  auto [unknown_status, unknown] = read("00000000000000000000000000000000");
  CHECK(unknown_status == 404);
  CHECK(unknown["code"] == "operation.unknown");

  SECTION("a write that answers at once answers directly") {
    Captured direct;
    AsyncWrite(deferred.Handle(422), ops)(AsyncPost(), direct.responder());
    REQUIRE(direct.response);
    CHECK(direct.response->status == 422);
  }
  SECTION("without the preference the write answers when it is done") {
    Deferred later;
    Captured sync;
    Request req = AsyncPost();
    req.headers.clear();
    AsyncWrite(later.Handle(0), ops)(req, sync.responder());
    CHECK_FALSE(sync.response);
    (*later.pending)(Response::Text(201, "{}"));
    REQUIRE(sync.response);
    CHECK(sync.response->status == 201);
  }
}

TEST_CASE("merchant: finished operations expire and pending ones are bounded",
          "[merchant][async]") {
  auto now = std::chrono::steady_clock::time_point{};
  Operations ops(Operations::Limits{2, 10, std::chrono::seconds(60)}, [&] { return now; });
  auto a = ops.Create();
  auto b = ops.Create();
  REQUIRE(a);
  REQUIRE(b);
  CHECK_FALSE(ops.Create());  // two pending at most
  ops.Complete(*a, Response::Text(201, "{}"));
  CHECK(ops.Create());
  REQUIRE(ops.Get(*a));
  CHECK(ops.Get(*a)->done);
  now += std::chrono::seconds(61);
  CHECK_FALSE(ops.Get(*a));  // kept an hour in production, a minute here
  CHECK(ops.Get(*b));        // pending never expires
}

}  // namespace
}  // namespace fapiao::api::merchant::test
