#include "bench/http_load.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <bit>

namespace fapiao::bench {

namespace beast = boost::beast;
using tcp = boost::asio::ip::tcp;

struct Pool::Conn {
  explicit Conn(boost::asio::io_context& io) : stream(io) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  bool open = false;
  Clock::time_point last_used;  // the server closes keep-alive connections idle for 30 s
  http::request<http::string_body> req;
  http::response<http::string_body> res;
};

Pool::Pool(boost::asio::io_context& io, std::string host, uint16_t port, size_t connections,
           std::chrono::milliseconds timeout)
    : io_(io), host_(std::move(host)), port_(port), timeout_(timeout) {
  for (size_t i = 0; i < std::max<size_t>(connections, 1); ++i) {
    conns_.push_back(std::make_unique<Conn>(io_));
    free_.push_back(conns_.back().get());
  }
}

Pool::~Pool() = default;

void Pool::Send(http::verb method, std::string target, std::string body, std::string bearer,
                Done done) {
  Job job{method, std::move(target), std::move(body), std::move(bearer), std::move(done)};
  if (free_.empty()) {
    waiting_.push_back(std::move(job));
    return;
  }
  Conn* c = free_.back();
  free_.pop_back();
  Run(c, std::move(job));
}

void Pool::Release(Conn* c) {
  if (waiting_.empty()) {
    free_.push_back(c);
    return;
  }
  Job job = std::move(waiting_.front());
  waiting_.pop_front();
  Run(c, std::move(job));
}

void Pool::Run(Conn* c, Job job) {
  auto done = std::make_shared<Done>(std::move(job.done));
  // Transport failure: close, report, and free the connection for the next job.
  auto fail = [this, c, done](const char* code, beast::error_code ec) {
    beast::error_code ignored;
    c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    c->stream.close();
    c->open = false;
    HttpResult r;
    r.error = ec == beast::error::timeout ? "client.timeout" : code;
    r.body = ec.message();
    Release(c);
    (*done)(std::move(r));
  };
  c->req = {job.method, job.target, 11};
  c->req.set(http::field::host, host_);
  c->req.set(http::field::user_agent, "fapiao-bench");
  if (!job.bearer.empty()) c->req.set(http::field::authorization, "Bearer " + job.bearer);
  if (job.method == http::verb::post || job.method == http::verb::patch) {
    c->req.set(http::field::content_type, "application/json");
    c->req.body() = std::move(job.body);
  }
  c->req.keep_alive(true);
  c->req.prepare_payload();
  auto exchange = [this, c, done, fail] {
    c->stream.expires_after(timeout_);
    http::async_write(c->stream, c->req, [this, c, done, fail](beast::error_code ec, size_t) {
      if (ec) return fail("client.io", ec);
      c->res = {};
      http::async_read(c->stream, c->buffer, c->res,
                       [this, c, done, fail](beast::error_code ec2, size_t) {
                         if (ec2) return fail("client.io", ec2);
                         HttpResult r;
                         r.status = static_cast<int>(c->res.result_int());
                         r.body = std::move(c->res.body());
                         c->last_used = Clock::now();
                         if (!c->res.keep_alive()) {
                           c->stream.close();
                           c->open = false;
                         }
                         Release(c);
                         (*done)(std::move(r));
                       });
    });
  };
  if (c->open && Clock::now() - c->last_used < std::chrono::seconds(20)) {
    exchange();
    return;
  }
  if (c->open) {
    beast::error_code ignored;
    c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    c->stream.close();
    c->open = false;
  }
  ++connects_;
  c->buffer.clear();
  c->stream.expires_after(timeout_);
  // Numeric hosts only (the bench talks to local nodes): no resolver round trip.
  beast::error_code ec;
  const auto address =
      boost::asio::ip::make_address(host_ == "localhost" ? "127.0.0.1" : host_, ec);
  if (ec) return fail("client.connect", ec);
  c->stream.async_connect(tcp::endpoint(address, port_),
                          [c, exchange, fail](beast::error_code ec2) {
                            if (ec2) return fail("client.connect", ec2);
                            c->stream.socket().set_option(tcp::no_delay(true));
                            c->open = true;
                            exchange();
                          });
}

size_t Histogram::Index(uint64_t us) {
  if (us < 64) return static_cast<size_t>(us);
  const int shift = std::bit_width(us) - 6;  // us >> shift is in [32, 63]
  return std::min<size_t>(64 + static_cast<size_t>(shift - 1) * 32 + ((us >> shift) - 32),
                          64 + 40 * 32 - 1);
}

uint64_t Histogram::Value(size_t index) {
  if (index < 64) return index;
  const size_t shift = (index - 64) / 32 + 1;
  const uint64_t mantissa = (index - 64) % 32 + 32;
  return (mantissa << shift) + ((uint64_t{1} << shift) >> 1);
}

void Histogram::Add(Clock::duration d) {
  const auto us = static_cast<uint64_t>(
      std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::microseconds>(d).count()));
  ++buckets_[Index(us)];
  ++count_;
  max_us_ = std::max(max_us_, us);
  sum_us_ += static_cast<double>(us);
}

double Histogram::QuantileMs(double q) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<uint64_t>(q * static_cast<double>(count_ - 1)) + 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) return static_cast<double>(std::min(Value(i), max_us_)) / 1000.0;
  }
  return MaxMs();
}

}  // namespace fapiao::bench
