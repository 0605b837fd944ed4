// A minimal blocking HTTP/1.1 client for the command-line tools (fapiaod
// status, the consortium script's readiness wait): one request per call, with a
// timeout. Not for the node's hot paths. Thread-safe (no shared state).
#pragma once

#include <chrono>
#include <string>

#include "ledger/core/status.h"

namespace fapiao::node {

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
};

// Codes: http.connect, http.io.
Result<HttpReply> HttpCall(const std::string& host, uint16_t port, const std::string& method,
                           const std::string& target, const std::string& body = {},
                           const std::string& content_type = "application/json",
                           std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace fapiao::node
