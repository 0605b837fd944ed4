#include "api/router.h"

#include <algorithm>
#include <atomic>
#include <cassert>

#include "api/problem.h"
#include "ledger/core/bytes.h"

namespace fapiao::api {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

std::optional<std::string_view> Find(const Fields& fields, std::string_view name,
                                     bool case_insensitive) {
  for (const auto& [k, v] : fields) {
    if (case_insensitive ? IEquals(k, name) : k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsParam(const std::string& segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::optional<std::string_view> Request::Header(std::string_view name) const {
  return Find(headers, name, true);
}
std::optional<std::string_view> Request::PathParam(std::string_view name) const {
  return Find(path_params, name, false);
}
std::optional<std::string_view> Request::Query(std::string_view name) const {
  return Find(query_params, name, false);
}

Response Response::Text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

struct Responder::State {
  explicit State(Sink s) : sink(std::move(s)) {}
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ~State() {
    if (!done.exchange(true)) {
      sink(ProblemResponse(MakeProblem(500, "server.no_response",
                                       "The request handler finished without a response.")));
    }
  }
  Sink sink;
  std::atomic<bool> done{false};
};

Responder::Responder(Sink sink) : state_(std::make_shared<State>(std::move(sink))) {}

void Responder::operator()(Response response) const {
  if (!state_->done.exchange(true)) state_->sink(std::move(response));
}

bool Responder::responded() const {
  return state_->done.load();
}

void Router::Add(std::string method, std::string pattern, SyncHandler handler,
                 RouteOptions options) {
  AddAsync(
      std::move(method), std::move(pattern),
      [h = std::move(handler)](const Request& req, Responder respond) { respond(h(req)); },
      options);
}

void Router::Wrap(const std::function<bool(const Route&)>& which,
                  const std::function<Handler(Handler, const Route&)>& wrap) {
  for (auto& r : routes_) {
    if (which(*r)) r->handler = wrap(std::move(r->handler), *r);
  }
}

void Router::AddAsync(std::string method, std::string pattern, Handler handler,
                      RouteOptions options) {
  assert(!pattern.empty() && pattern.front() == '/');
  for (const auto& r : routes_) {
    assert(!(r->method == method && r->pattern == pattern));
    (void)r;
  }
  routes_.push_back(std::make_unique<Route>(
      Route{std::move(method), std::move(pattern), std::move(handler), options}));
  const Route* route = routes_.back().get();
  compiled_.push_back(Compiled{route, SplitPath(route->pattern)});
  // Most specific first: at the first segment where two patterns differ in
  // kind, the literal one wins.
  std::stable_sort(compiled_.begin(), compiled_.end(), [](const Compiled& a, const Compiled& b) {
    const std::size_t n = std::min(a.segments.size(), b.segments.size());
    for (std::size_t i = 0; i < n; ++i) {
      const bool pa = IsParam(a.segments[i]), pb = IsParam(b.segments[i]);
      if (pa != pb) return !pa;
    }
    return false;
  });
}

RouteMatch Router::Match(std::string_view method, std::string_view path) const {
  RouteMatch out;
  const std::vector<std::string> raw = SplitPath(path);
  std::vector<std::string> decoded;
  decoded.reserve(raw.size());
  for (const auto& s : raw) {
    auto d = PercentDecode(s, false);
    if (!d) {
      out.status = 400;
      return out;
    }
    decoded.push_back(std::move(*d));
  }
  for (const Compiled& c : compiled_) {
    if (c.segments.size() != decoded.size()) continue;
    bool matches = true;
    for (std::size_t i = 0; i < decoded.size() && matches; ++i) {
      if (IsParam(c.segments[i])) {
        matches = !decoded[i].empty();
      } else {
        matches = c.segments[i] == decoded[i];
      }
    }
    if (!matches) continue;
    if (c.route->method != method) {
      if (std::find(out.allowed.begin(), out.allowed.end(), c.route->method) == out.allowed.end()) {
        out.allowed.push_back(c.route->method);
      }
      continue;
    }
    out.route = c.route;
    for (std::size_t i = 0; i < decoded.size(); ++i) {
      if (IsParam(c.segments[i])) {
        out.path_params.emplace_back(c.segments[i].substr(1, c.segments[i].size() - 2),
                                     std::move(decoded[i]));
      }
    }
    out.allowed.clear();
    out.status = 200;
    return out;
  }
  out.status = out.allowed.empty() ? 404 : 405;
  std::sort(out.allowed.begin(), out.allowed.end());
  return out;
}

std::optional<std::string> PercentDecode(std::string_view in, bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      const int hi = HexDigitValue(in[i + 1]), lo = HexDigitValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<Fields> ParseQuery(std::string_view query) {
  Fields out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    const auto eq = part.find('=');
    auto key = PercentDecode(part.substr(0, eq), true);
    auto value = PercentDecode(
        eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

}  // namespace fapiao::api
