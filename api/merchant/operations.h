// Asynchronous answers of the merchant write routes (docs/http.md "Writes:
// idempotency and asynchronous answers"). A write sent with
// `Prefer: respond-async` that cannot answer at once gets 202 with
// `Location: /v1/operations/{id}`; the final answer is kept here until read
// or expired. Operations live in this node's memory only: after a restart the
// client retries with its Idempotency-Key. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "api/router.h"

namespace fapiao::api::merchant {

class Operations {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  struct Limits {
    std::size_t max_pending = 10'000;  // more: 503 operations.full
    std::size_t max_done = 100'000;    // more: the oldest answers are dropped
    std::chrono::seconds keep_done{3600};
  };
  explicit Operations(Limits limits, Clock clock = std::chrono::steady_clock::now);

  // A new pending operation's id (32 hex digits from RAND_bytes); nullopt when full.
  std::optional<std::string> Create();
  // Records the final answer. Unknown ids are ignored.
  void Complete(const std::string& id, Response response);
  // Forgets an operation that was answered inline after all.
  void Discard(const std::string& id);

  struct View {
    bool done = false;
    Response response;  // when done
  };
  std::optional<View> Get(const std::string& id);

 private:
  void Expire();  // REQUIRES: mu_ held
  struct Entry {
    bool done = false;
    Response response;
    std::chrono::steady_clock::time_point done_at;
  };
  const Limits limits_;
  const Clock clock_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
  std::multimap<std::chrono::steady_clock::time_point, std::string> done_order_;
  std::size_t pending_ = 0;
};

// True when the request asks `Prefer: respond-async` (RFC 7240).
bool PrefersAsync(const Request& request);

// Wraps the handler of a write route: checks the Idempotency-Key header, and
// answers 202 with the operation's URL when the caller prefers an asynchronous
// answer and the handler has not answered by the time it returns.
Handler AsyncWrite(Handler inner, std::shared_ptr<Operations> operations);

// GET /v1/operations/{id}: {"id", "state": "pending"} or {"id", "state": "done",
// "status", "response"}; 404 operation.unknown.
void AddOperationsRoute(Router& router, std::shared_ptr<Operations> operations);

}  // namespace fapiao::api::merchant
