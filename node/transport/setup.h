// Transport set-up helpers (internal): config validation, PEM loading, and the TLS context
// (TLS 1.3 only, mutual authentication against the consortium CA, no session tickets).
// Pure functions apart from reading PEM files; thread-safe.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "ledger/core/status.h"
#include "node/transport/transport.h"

namespace fapiao::transport::detail {

// Fills `pem` from `path` unless already set; transport.bad_config if neither is given.
Status LoadPem(std::string& pem, const std::string& path, const char* what);
// Field-naming transport.bad_config errors for limits and the peer list.
Status ValidateConfig(const TransportConfig& config);
// REQUIRES: config's cert_pem, key_pem and ca_pem are loaded.
Result<std::unique_ptr<boost::asio::ssl::context>> MakeTlsContext(const TransportConfig& config);

}  // namespace fapiao::transport::detail
