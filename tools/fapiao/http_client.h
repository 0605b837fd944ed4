// A blocking HTTP/1.1 client for the `fapiao` CLI and the set-up phase of
// `fapiao-bench`: one keep-alive connection to one API base URL (http only),
// reconnecting once when the server closed it. Each call is bounded by a
// timeout. One object per thread; objects are independent.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "ledger/core/status.h"

namespace fapiao::client {

// "http://host:port[/prefix]" -> parts. Code: client.bad_url.
struct ApiUrl {
  std::string host;
  uint16_t port = 80;
  std::string prefix;  // without a trailing '/', "" for the root
};
Result<ApiUrl> ParseApiUrl(const std::string& url);

struct Reply {
  int status = 0;
  std::string content_type;
  std::string body;
};

// Percent-encodes one path segment or query value (RFC 3986 unreserved kept).
std::string PercentEncode(const std::string& s);

class HttpClient {
 public:
  explicit HttpClient(ApiUrl url, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `target` is appended to the URL's prefix. `bearer` empty = no Authorization.
  // Codes: client.connect (no connection), client.io (send/receive failed).
  Result<Reply> Call(const std::string& method, const std::string& target,
                     const std::string& body = {}, const std::string& bearer = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fapiao::client
