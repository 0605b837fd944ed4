#include "tools/fapiao/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <charconv>

namespace fapiao::client {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

Result<ApiUrl> ParseApiUrl(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  std::string_view rest = url;
  if (!rest.starts_with(kScheme)) {
    return Status::Error("client.bad_url", "'" + url + "' is not an http:// URL");
  }
  rest.remove_prefix(kScheme.size());
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  ApiUrl out;
  if (slash != std::string_view::npos) {
    out.prefix = std::string(rest.substr(slash));
    while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
  }
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || p != port.data() + port.size() || value == 0 || value > 65535) {
      return Status::Error("client.bad_url", "'" + url + "' has a bad port");
    }
    out.port = static_cast<uint16_t>(value);
    authority = authority.substr(0, colon);
  }
  if (authority.size() > 2 && authority.front() == '[' && authority.back() == ']') {
    authority = authority.substr(1, authority.size() - 2);
  }
  if (authority.empty()) return Status::Error("client.bad_url", "'" + url + "' has no host");
  out.host = std::string(authority);
  return out;
}

std::string PercentEncode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

struct HttpClient::Impl {
  ApiUrl url;
  std::chrono::milliseconds timeout;
  boost::asio::io_context io;
  std::unique_ptr<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  Status Connect() {
    stream = std::make_unique<beast::tcp_stream>(io);
    buffer.clear();
    beast::error_code ec;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(url.host, std::to_string(url.port), ec);
    const std::string where = url.host + ":" + std::to_string(url.port);
    if (ec) return Status::Error("client.connect", where + ": " + ec.message());
    stream->expires_after(timeout);
    stream->connect(endpoints, ec);
    if (ec) {
      stream.reset();
      return Status::Error("client.connect", where + ": " + ec.message());
    }
    return Status::Ok();
  }

  // One exchange on the current connection; `fresh` tells whether it was just opened.
  Result<Reply> Exchange(const http::request<http::string_body>& req, bool& retryable) {
    beast::error_code ec;
    stream->expires_after(timeout);
    http::write(*stream, req, ec);
    if (ec) {
      retryable = true;
      return Status::Error("client.io", "sending: " + ec.message());
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(*stream, buffer, parser, ec);
    if (ec) {
      // A keep-alive connection the server closed meanwhile reads eof at once.
      retryable = ec == http::error::end_of_stream || ec == boost::asio::error::connection_reset;
      return Status::Error("client.io", "receiving: " + ec.message());
    }
    auto res = parser.release();
    Reply out;
    out.status = static_cast<int>(res.result_int());
    out.content_type = std::string(res[http::field::content_type]);
    out.body = std::move(res.body());
    if (!res.keep_alive()) stream.reset();
    return out;
  }
};

HttpClient::HttpClient(ApiUrl url, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->url = std::move(url);
  impl_->timeout = timeout;
}

HttpClient::~HttpClient() = default;

Result<Reply> HttpClient::Call(const std::string& method, const std::string& target,
                               const std::string& body, const std::string& bearer) {
  http::request<http::string_body> req{http::string_to_verb(method), impl_->url.prefix + target,
                                       11};
  req.set(http::field::host, impl_->url.host + ":" + std::to_string(impl_->url.port));
  req.set(http::field::user_agent, "fapiao-client");
  if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
  if (!body.empty() || method == "POST" || method == "PATCH") {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.keep_alive(true);
  req.prepare_payload();
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool fresh = impl_->stream == nullptr;
    if (fresh) {
      if (Status s = impl_->Connect(); !s.ok()) return s;
    }
    bool retryable = false;
    auto r = impl_->Exchange(req, retryable);
    if (r.ok()) return r;
    impl_->stream.reset();
    // Retry only a reused connection the server had closed, never a fresh one.
    if (fresh || !retryable) return r.status();
  }
  return Status::Error("client.io", "connection closed twice");
}

}  // namespace fapiao::client
