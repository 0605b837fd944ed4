// HTTP routing: method + path patterns with `{name}` segments, the Request view
// handed to handlers, the Response value they produce, and the Responder that
// delivers it (once, from any thread). A Router is filled before the server
// starts and is read-only afterwards: concurrent Match calls are safe then.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fapiao::api {

using Fields = std::vector<std::pair<std::string, std::string>>;

// A request as parsed by the server. It stays valid until its Responder has
// been called (or dropped); handlers that complete later copy what they keep.
struct Request {
  std::string method;   // "GET", as sent
  std::string target;   // raw request-target ("/v1/x/7?a=b")
  std::string path;     // target without the query, still percent-encoded
  std::string route;    // the matched pattern ("/v1/x/{id}"), empty when none
  Fields path_params;   // decoded, in pattern order
  Fields query_params;  // decoded ('+' is a space), in target order
  Fields headers;       // names as sent; look up with Header()
  std::string body;
  std::string remote_address;

  // Case-insensitive; the first occurrence; nullopt when absent.
  std::optional<std::string_view> Header(std::string_view name) const;
  std::optional<std::string_view> PathParam(std::string_view name) const;
  std::optional<std::string_view> Query(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  Fields headers;  // extra headers; Content-Length and Connection are the server's
  std::string body;
  // When set, the body is streamed instead of `body` (chunked transfer
  // encoding): the server calls it on the connection's strand, one call per
  // chunk, until it returns false; each call appends its chunk to `chunk`
  // (an empty chunk is not sent). A throw ends the connection without the last
  // chunk, so the client sees a truncated body. The next call waits until the
  // previous chunk is written: memory stays bounded by the producer's chunks.
  std::function<bool(std::string& chunk)> stream;

  static Response Text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
};

// Delivers the response of one request. Copyable; the first call wins and
// later calls are ignored. If every copy is dropped uncalled, the client gets
// a 500 problem (server.no_response). Thread-safe.
class Responder {
 public:
  using Sink = std::function<void(Response)>;
  explicit Responder(Sink sink);
  void operator()(Response response) const;
  bool responded() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

using Handler = std::function<void(const Request&, Responder)>;
using SyncHandler = std::function<Response(const Request&)>;

struct RouteOptions {
  std::size_t max_body_bytes = 0;  // 0: the server's default
};

struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
  RouteOptions options;
};

// Result of a lookup: a route (with decoded path params) or a 404/405
// problem status with the methods the path allows (for the Allow header).
struct RouteMatch {
  const Route* route = nullptr;
  Fields path_params;
  int status = 200;                  // 200, 400 (bad encoding), 404 or 405
  std::vector<std::string> allowed;  // for 405
};

class Router {
 public:
  // Patterns are absolute paths; a segment is a literal or `{name}` (one whole
  // segment). Literal segments win over parameters regardless of order.
  // REQUIRES: not yet handed to a server; no duplicate (method, pattern).
  void Add(std::string method, std::string pattern, SyncHandler handler, RouteOptions options = {});
  void AddAsync(std::string method, std::string pattern, Handler handler,
                RouteOptions options = {});

  // Replaces the handler of every route for which `which` is true with
  // `wrap(old handler, route)` (cross-cutting behaviour such as asynchronous
  // answers). REQUIRES: not yet handed to a server.
  void Wrap(const std::function<bool(const Route&)>& which,
            const std::function<Handler(Handler, const Route&)>& wrap);

  // `path` is percent-encoded, without the query.
  RouteMatch Match(std::string_view method, std::string_view path) const;
  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  struct Compiled {
    const Route* route;
    std::vector<std::string> segments;  // literal, or "{name}"
  };
  std::vector<std::unique_ptr<Route>> routes_;
  std::vector<Compiled> compiled_;  // most specific first
};

// Percent-decoding; nullopt on a malformed escape. `plus_as_space` for queries.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_as_space);
// Splits "a=1&b=x%20y" into decoded pairs; nullopt on a malformed escape.
std::optional<Fields> ParseQuery(std::string_view query);

}  // namespace fapiao::api
