#include "api/http_connection.h"

#include <algorithm>
#include <exception>
#include <limits>
#include <string_view>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "api/problem.h"

namespace fapiao::api::detail {
namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::chrono::milliseconds kMaxLinger{2000};

// A bounded label value for methods (clients may send any token).
std::string MethodLabel(std::string_view m) {
  static constexpr std::string_view kKnown[] = {"GET",    "HEAD",    "POST",  "PUT",
                                                "DELETE", "OPTIONS", "PATCH", "TRACE"};
  for (auto k : kKnown) {
    if (k == m) return std::string(m);
  }
  return "other";
}

}  // namespace

Connection::Connection(std::shared_ptr<ServerCore> core, std::uint64_t id, tcp::socket socket,
                       bool reject)
    : core_(std::move(core)), id_(id), stream_(std::move(socket)), reject_(reject) {}

void Connection::Start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (self->reject_) {
      self->body_unread_ = true;
      self->Write(ProblemResponse(MakeProblem(503, "server.too_many_connections",
                                              "The server is at its connection limit.")),
                  true);
    } else {
      self->WaitForRequest();
    }
  });
}

void Connection::Shutdown() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->stop_requested_ = true;
    if (self->phase_ == Phase::kIdle) self->Close();
  });
}

void Connection::ForceClose() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
}

void Connection::WaitForRequest() {
  phase_ = Phase::kIdle;
  if (stop_requested_ || core_->stopping()) return Close();
  if (buffer_.size() > 0) return ReadHeader();
  stream_.expires_after(core_->options.idle_timeout);
  stream_.async_read_some(buffer_.prepare(4096),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            self->OnFirstBytes(ec, n);
                          });
}

void Connection::OnFirstBytes(beast::error_code ec, std::size_t n) {
  if (phase_ == Phase::kClosed) return;
  if (ec) return Close();  // peer gone, idle timeout, or stop
  buffer_.commit(n);
  ReadHeader();
}

void Connection::ReadHeader() {
  phase_ = Phase::kReading;
  request_ = Request{};
  match_ = RouteMatch{};
  route_label_ = "unmatched";
  method_label_ = "other";
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(core_->options.max_header_bytes));
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  stream_.expires_after(core_->options.request_timeout);
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
}

void Connection::OnHeader(beast::error_code ec) {
  if (phase_ == Phase::kClosed) return;
  started_ = std::chrono::steady_clock::now();
  if (ec == http::error::header_limit) {
    return ProblemAndClose(431, "request.header_too_large",
                           "The request line and headers exceed " +
                               std::to_string(core_->options.max_header_bytes) + " bytes.");
  }
  if (ec == beast::error::timeout || ec == http::error::end_of_stream || ec == net::error::eof ||
      ec == net::error::operation_aborted || ec == net::error::connection_reset) {
    return Close();
  }
  if (ec) return ProblemAndClose(400, "request.malformed_http", ec.message());

  const auto& msg = parser_->get();
  const std::string_view target(msg.target().data(), msg.target().size());
  method_label_ =
      MethodLabel(std::string_view(msg.method_string().data(), msg.method_string().size()));
  if (target.empty() || target.front() != '/') {
    return ProblemAndClose(400, "request.bad_target",
                           "The request target must be an absolute path.");
  }
  const std::string_view path = target.substr(0, target.find('?'));
  match_ = core_->router.Match(
      std::string_view(msg.method_string().data(), msg.method_string().size()), path);
  if (match_.route) route_label_ = match_.route->pattern;
  const std::size_t limit = match_.route && match_.route->options.max_body_bytes > 0
                                ? match_.route->options.max_body_bytes
                                : core_->options.max_body_bytes;
  if (parser_->content_length() && *parser_->content_length() > limit) {
    return ProblemAndClose(413, "request.body_too_large",
                           "The body exceeds " + std::to_string(limit) + " bytes.");
  }
  body_limit_ = limit;
  parser_->body_limit(limit);
  const auto expect = msg[http::field::expect];
  if (beast::iequals(expect, "100-continue") && !parser_->is_done()) {
    return net::async_write(
        stream_, net::buffer(kContinue.data(), kContinue.size()),
        [self = shared_from_this()](beast::error_code e, std::size_t) { self->OnContinueSent(e); });
  }
  ReadBody();
}

void Connection::OnContinueSent(beast::error_code ec) {
  if (phase_ == Phase::kClosed) return;
  if (ec) return Close();
  ReadBody();
}

void Connection::ReadBody() {
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnBody(ec); });
}

void Connection::OnBody(beast::error_code ec) {
  if (phase_ == Phase::kClosed) return;
  if (ec == http::error::body_limit) {
    return ProblemAndClose(413, "request.body_too_large",
                           "The body exceeds " + std::to_string(body_limit_) + " bytes.");
  }
  if (ec == beast::error::timeout || ec == http::error::end_of_stream || ec == net::error::eof ||
      ec == net::error::operation_aborted || ec == net::error::connection_reset) {
    return Close();
  }
  if (ec) return ProblemAndClose(400, "request.malformed_http", ec.message());
  Dispatch();
}

void Connection::Dispatch() {
  phase_ = Phase::kHandling;
  auto& msg = parser_->get();
  request_.method.assign(msg.method_string().data(), msg.method_string().size());
  request_.target.assign(msg.target().data(), msg.target().size());
  const auto q = request_.target.find('?');
  request_.path = request_.target.substr(0, q);
  for (const auto& field : msg) {
    request_.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request_.body = std::move(msg.body());
  beast::error_code ignored;
  const auto remote = stream_.socket().remote_endpoint(ignored);
  if (!ignored) request_.remote_address = remote.address().to_string();

  if (match_.status == 400) {
    return Deliver(ProblemResponse(
        MakeProblem(400, "request.bad_path", "The path has a malformed percent-escape.")));
  }
  if (match_.status == 404) {
    return Deliver(ProblemResponse(
        MakeProblem(404, "route.not_found", "No resource at " + request_.path + ".")));
  }
  if (match_.status == 405) {
    std::string allow;
    for (const auto& m : match_.allowed) allow += (allow.empty() ? "" : ", ") + m;
    Response r = ProblemResponse(MakeProblem(
        405, "route.method_not_allowed",
        request_.method + " is not allowed on " + request_.path + "; allowed: " + allow + "."));
    r.headers.emplace_back("Allow", allow);
    return Deliver(std::move(r));
  }
  auto query = ParseQuery(q == std::string::npos ? std::string_view()
                                                 : std::string_view(request_.target).substr(q + 1));
  if (!query) {
    return Deliver(ProblemResponse(
        MakeProblem(400, "request.bad_query", "The query string has a malformed percent-escape.")));
  }
  request_.query_params = std::move(*query);
  request_.path_params = std::move(match_.path_params);
  request_.route = match_.route->pattern;

  Responder responder([self = shared_from_this()](Response r) {
    net::post(self->stream_.get_executor(),
              [self, r = std::move(r)]() mutable { self->Deliver(std::move(r)); });
  });
  try {
    match_.route->handler(request_, responder);
  } catch (const std::exception& e) {
    responder(ProblemResponse(
        MakeProblem(500, "server.internal", std::string("The handler failed: ") + e.what())));
  }
}

void Connection::Deliver(Response response) {
  if (phase_ != Phase::kHandling) return;  // force-closed meanwhile
  Write(std::move(response), false);
}

void Connection::ProblemAndClose(int status, std::string code, std::string detail) {
  body_unread_ = true;
  Write(ProblemResponse(MakeProblem(status, std::move(code), std::move(detail))), true);
}

void Connection::Write(Response r, bool closing) {
  phase_ = Phase::kWriting;
  const bool keep_alive =
      !closing && parser_ && parser_->get().keep_alive() && !stop_requested_ && !core_->stopping();
  if (r.stream) return WriteStreamed(std::move(r), keep_alive);
  response_ = {};
  response_.version(11);
  response_.result(static_cast<unsigned>(r.status));
  response_.set(http::field::server, "fapiao");
  response_.set(http::field::content_type, r.content_type);
  for (auto& [name, value] : r.headers) response_.insert(name, value);
  response_.body() = std::move(r.body);
  response_.keep_alive(keep_alive);
  response_.prepare_payload();
  if (!reject_)
    core_->Record(route_label_, method_label_, r.status,
                  std::chrono::steady_clock::now() - started_);
  stream_.expires_after(core_->options.request_timeout);
  http::async_write(stream_, response_,
                    [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                      self->OnWritten(ec, keep_alive);
                    });
}

void Connection::WriteStreamed(Response r, bool keep_alive) {
  stream_header_ = {};
  stream_header_.version(11);
  stream_header_.result(static_cast<unsigned>(r.status));
  stream_header_.set(http::field::server, "fapiao");
  stream_header_.set(http::field::content_type, r.content_type);
  for (auto& [name, value] : r.headers) stream_header_.insert(name, value);
  stream_header_.keep_alive(keep_alive);
  stream_header_.chunked(true);
  producer_ = std::move(r.stream);
  core_->Record(route_label_, method_label_, r.status, std::chrono::steady_clock::now() - started_);
  stream_serializer_.emplace(stream_header_);
  stream_.expires_after(core_->options.request_timeout);
  http::async_write_header(
      stream_, *stream_serializer_,
      [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
        self->NextChunk(ec, keep_alive);
      });
}

// Called when the header or the previous chunk is written: asks the producer
// for the next chunk and writes it, or writes the last chunk.
void Connection::NextChunk(beast::error_code ec, bool keep_alive) {
  if (phase_ == Phase::kClosed) return;
  if (ec) {  // a graceful stop lets the stream finish; its deadline force-closes it
    producer_ = nullptr;
    return Close();
  }
  chunk_.clear();
  bool more = false;
  try {
    more = producer_(chunk_);
  } catch (const std::exception&) {
    producer_ = nullptr;
    return Close();
  }
  stream_.expires_after(core_->options.request_timeout);
  if (!chunk_.empty()) {
    // A finished producer is not called again: the next round writes the last chunk.
    if (!more) producer_ = [](std::string&) { return false; };
    return net::async_write(
        stream_, http::make_chunk(net::buffer(chunk_)),
        [self = shared_from_this(), keep_alive](beast::error_code e, std::size_t) {
          self->NextChunk(e, keep_alive);
        });
  }
  if (more) {
    return net::post(stream_.get_executor(),
                     [self = shared_from_this(), keep_alive] { self->NextChunk({}, keep_alive); });
  }
  producer_ = nullptr;
  net::async_write(stream_, http::make_chunk_last(),
                   [self = shared_from_this(), keep_alive](beast::error_code e, std::size_t) {
                     self->stream_serializer_.reset();
                     self->OnWritten(e, keep_alive);
                   });
}

void Connection::OnWritten(beast::error_code ec, bool keep_alive) {
  if (phase_ == Phase::kClosed) return;
  response_ = {};
  if (ec) return Close();
  if (keep_alive) return WaitForRequest();
  if (body_unread_) return Linger();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  Close();
}

// After an early answer the client may still be sending: read and drop its
// bytes for a short while so closing does not reset the answer away.
void Connection::Linger() {
  phase_ = Phase::kLingering;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(std::min(kMaxLinger, core_->options.request_timeout));
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(64 * 1024),
                          [self = shared_from_this()](beast::error_code e, std::size_t n) {
                            self->OnLingerRead(e, n);
                          });
}

void Connection::OnLingerRead(beast::error_code ec, std::size_t n) {
  if (phase_ == Phase::kClosed) return;
  lingered_bytes_ += n;
  if (ec || lingered_bytes_ > 4 * core_->options.max_body_bytes + (1 << 20)) return Close();
  stream_.async_read_some(buffer_.prepare(64 * 1024),
                          [self = shared_from_this()](beast::error_code e, std::size_t m) {
                            self->OnLingerRead(e, m);
                          });
}

void Connection::Close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  beast::error_code ignored;
  stream_.socket().close(ignored);
  core_->Unregister(id_);
}

}  // namespace fapiao::api::detail
