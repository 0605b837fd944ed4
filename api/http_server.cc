#include "api/http_server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "api/http_connection.h"

namespace fapiao::api {
namespace detail {

ServerCore::ServerCore(net::io_context& io_context, Router r, ServerOptions o)
    : io(io_context),
      router(std::move(r)),
      options(std::move(o)),
      acceptor(net::make_strand(io_context)),
      stop_timer(acceptor.get_executor()),
      accept_retry(acceptor.get_executor()) {
  if (options.metrics == nullptr) return;
  MetricsRegistry& m = *options.metrics;
  requests = &m.CounterFamily("fapiao_http_requests_total",
                              "HTTP requests answered, by route pattern, method and status.",
                              {"route", "method", "status"});
  durations = &m.HistogramFamily("fapiao_http_request_duration_seconds",
                                 "Time from a request's headers to its response being written.",
                                 {"route"}, LatencyBuckets());
  open_connections = &m.AddGauge("fapiao_http_open_connections", "Open HTTP connections.");
  rejected_connections =
      &m.AddCounter("fapiao_http_rejected_connections_total",
                    "Connections refused with 503 because max_connections was reached.");
  if (!options.metrics_path.empty()) {
    router.Add("GET", options.metrics_path, [&m](const Request&) {
      return Response::Text(200, m.Render(), std::string(kMetricsContentType));
    });
  }
}

void ServerCore::Record(const std::string& route, const std::string& method, int status,
                        std::chrono::steady_clock::duration elapsed) {
  if (requests == nullptr) return;
  requests->With({route, method, std::to_string(status)}).Inc();
  durations->With({route}).Observe(std::chrono::duration<double>(elapsed).count());
}

void ServerCore::Unregister(std::uint64_t id) {
  bool empty;
  {
    std::lock_guard lock(mu);
    live.erase(id);
    empty = live.empty();
    if (open_connections) open_connections->Set(static_cast<double>(live.size()));
  }
  if (empty && stopping()) {
    net::post(acceptor.get_executor(), [self = shared_from_this()] { self->CheckStopped(); });
  }
}

std::vector<std::shared_ptr<Connection>> ServerCore::Snapshot() {
  std::vector<std::shared_ptr<Connection>> out;
  std::lock_guard lock(mu);
  for (auto& [id, weak] : live) {
    if (auto c = weak.lock()) out.push_back(std::move(c));
  }
  return out;
}

void ServerCore::DoAccept() {
  acceptor.async_accept(
      net::make_strand(io), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        if (self->stopping() || !self->acceptor.is_open()) return;
        if (!ec) {
          beast::error_code ignored;
          socket.set_option(tcp::no_delay(true), ignored);
          std::shared_ptr<Connection> c;
          {
            std::lock_guard lock(self->mu);
            const bool reject = self->live.size() >= self->options.max_connections;
            const std::uint64_t id = self->next_id++;
            c = std::make_shared<Connection>(self, id, std::move(socket), reject);
            self->live.emplace(id, c);
            if (reject && self->rejected_connections) self->rejected_connections->Inc();
            if (self->open_connections) {
              self->open_connections->Set(static_cast<double>(self->live.size()));
            }
          }
          c->Start();
        }
        if (ec) {
          // Out of descriptors or similar: back off instead of spinning.
          self->accept_retry.expires_after(std::chrono::milliseconds(50));
          self->accept_retry.async_wait([self](beast::error_code e) {
            if (!e) self->DoAccept();
          });
          return;
        }
        self->DoAccept();
      });
}

void ServerCore::BeginStop(std::chrono::milliseconds deadline, std::function<void()> cb) {
  if (cb) on_stopped.push_back(std::move(cb));
  if (stopping_flag.exchange(true)) return CheckStopped();
  beast::error_code ignored;
  acceptor.close(ignored);
  for (auto& c : Snapshot()) c->Shutdown();
  stop_timer.expires_after(deadline);
  stop_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;
    for (auto& c : self->Snapshot()) c->ForceClose();
  });
  CheckStopped();
}

void ServerCore::CheckStopped() {
  {
    std::lock_guard lock(mu);
    if (!live.empty()) return;
  }
  stopped = true;
  stop_timer.cancel();
  accept_retry.cancel();
  auto callbacks = std::move(on_stopped);
  on_stopped.clear();
  for (auto& f : callbacks) f();
}

}  // namespace detail

struct HttpServer::Impl : detail::ServerCore {
  using ServerCore::ServerCore;
};

HttpServer::HttpServer(boost::asio::io_context& io, Router router, ServerOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(router), std::move(options))) {}

HttpServer::~HttpServer() {
  Stop(std::chrono::milliseconds(0));
}

Status HttpServer::Start() {
  namespace net = boost::asio;
  boost::system::error_code ec;
  const auto address = net::ip::make_address(impl_->options.host, ec);
  if (ec)
    return Status::Error("http.bad_address", "Cannot parse host '" + impl_->options.host + "'.");
  const detail::tcp::endpoint endpoint(address, impl_->options.port);
  auto& a = impl_->acceptor;
  if (a.open(endpoint.protocol(), ec); !ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Error("http.listen_failed", "Cannot listen on " + impl_->options.host + ":" +
                                                   std::to_string(impl_->options.port) + ": " +
                                                   ec.message());
  }
  impl_->port = a.local_endpoint().port();
  net::post(a.get_executor(), [core = impl_] { core->DoAccept(); });
  return Status::Ok();
}

std::uint16_t HttpServer::port() const {
  return impl_->port.load();
}

void HttpServer::Stop(std::chrono::milliseconds deadline, std::function<void()> on_stopped) {
  boost::asio::post(impl_->acceptor.get_executor(),
                    [core = impl_, deadline, cb = std::move(on_stopped)]() mutable {
                      core->BeginStop(deadline, std::move(cb));
                    });
}

std::size_t HttpServer::connection_count() const {
  std::lock_guard lock(impl_->mu);
  return impl_->live.size();
}

}  // namespace fapiao::api
