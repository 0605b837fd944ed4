#include "api/merchant/operations.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include <nlohmann/json.hpp>

#include "api/merchant/idempotency.h"
#include "api/problem.h"
#include "ledger/core/bytes.h"

namespace fapiao::api::merchant {
namespace {

using nlohmann::json;

std::string OperationUrl(const std::string& id) {
  return "/v1/operations/" + id;
}

}  // namespace

Operations::Operations(Limits limits, Clock clock) : limits_(limits), clock_(std::move(clock)) {}

std::optional<std::string> Operations::Create() {
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof raw) != 1) return std::nullopt;
  std::string id = ToHex(Bytes(reinterpret_cast<const char*>(raw), sizeof raw));
  std::lock_guard lock(mu_);
  Expire();
  if (pending_ >= limits_.max_pending) return std::nullopt;
  entries_[id] = Entry{};
  ++pending_;
  return id;
}

void Operations::Complete(const std::string& id, Response response) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.done) return;
  it->second.done = true;
  it->second.response = std::move(response);
  it->second.done_at = clock_();
  done_order_.emplace(it->second.done_at, id);
  --pending_;
  Expire();
}

void Operations::Discard(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.done) return;
  entries_.erase(it);
  --pending_;
}

std::optional<Operations::View> Operations::Get(const std::string& id) {
  std::lock_guard lock(mu_);
  Expire();
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  return View{it->second.done, it->second.response};
}

void Operations::Expire() {
  const auto now = clock_();
  while (!done_order_.empty() && (done_order_.size() > limits_.max_done ||
                                  now - done_order_.begin()->first > limits_.keep_done)) {
    entries_.erase(done_order_.begin()->second);
    done_order_.erase(done_order_.begin());
  }
}

bool PrefersAsync(const Request& request) {
  auto prefer = request.Header("Prefer");
  if (!prefer) return false;
  std::string lower(*prefer);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("respond-async") != std::string::npos;
}

Handler AsyncWrite(Handler inner, std::shared_ptr<Operations> operations) {
  return [inner = std::move(inner), operations](const Request& req, Responder respond) {
    if (auto p = CheckIdempotencyHeader(req)) return respond(ProblemResponse(*p));
    if (!PrefersAsync(req)) return inner(req, std::move(respond));
    auto id = operations->Create();
    if (!id) {
      return respond(ProblemResponse(MakeProblem(
          503, "operations.full", "too many asynchronous writes pending here; retry later")));
    }
    // Who answers the client: the handler, if it answers before returning (a
    // 4xx, a replay); otherwise this wrapper with 202, and the handler's answer
    // goes to the operation.
    struct Shared {
      std::mutex mu;
      bool answered = false;
      bool async = false;
    };
    auto shared = std::make_shared<Shared>();
    Responder to_inner([shared, respond, operations, op = *id](Response r) {
      std::lock_guard lock(shared->mu);
      if (shared->async) return operations->Complete(op, std::move(r));
      shared->answered = true;
      respond(std::move(r));
    });
    inner(req, to_inner);
    std::lock_guard lock(shared->mu);
    if (shared->answered) return operations->Discard(*id);
    shared->async = true;
    Response accepted = JsonResponse(
        202, json{{"id", *id}, {"state", "pending"}, {"status_url", OperationUrl(*id)}});
    accepted.headers.emplace_back("Location", OperationUrl(*id));
    accepted.headers.emplace_back("Preference-Applied", "respond-async");
    respond(std::move(accepted));
  };
}

void AddOperationsRoute(Router& router, std::shared_ptr<Operations> operations) {
  router.Add("GET", "/v1/operations/{id}", [operations](const Request& req) {
    const std::string id(req.PathParam("id").value_or(""));
    auto view = operations->Get(id);
    if (!view) {
      return ProblemResponse(
          MakeProblem(404, "operation.unknown",
                      "no operation " + id +
                          " here (answers are kept an hour, "
                          "in this node's memory; retry with the Idempotency-Key)"));
    }
    json body{{"id", id}, {"state", view->done ? "done" : "pending"}};
    if (view->done) {
      body["status"] = view->response.status;
      auto parsed = json::parse(view->response.body, nullptr, false);
      body["response"] = parsed.is_discarded() ? json(view->response.body) : parsed;
    }
    return JsonResponse(200, body);
  });
}

}  // namespace fapiao::api::merchant
