// Transport set-up: config validation, PEM loading and the TLS 1.3 context (setup.h).
#include "node/transport/setup.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <map>

#include "node/transport/pki.h"

namespace fapiao::transport::detail {
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;

Status LoadPem(std::string& pem, const std::string& path, const char* what) {
  if (!pem.empty()) return Status::Ok();
  if (path.empty()) {
    return Status::Error("transport.bad_config", std::string(what) + ": neither PEM nor path set");
  }
  auto text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  pem = std::move(*text);
  return Status::Ok();
}

Status ValidateConfig(const TransportConfig& c) {
  auto bad = [](std::string m) { return Status::Error("transport.bad_config", std::move(m)); };
  if (c.max_frame_bytes == 0) return bad("max_frame_bytes must be positive");
  if (c.max_send_queue_bytes < c.max_frame_bytes + kFrameHeaderBytes) {
    return bad("max_send_queue_bytes must hold at least one frame of max_frame_bytes");
  }
  if (c.reconnect_initial.count() <= 0 || c.reconnect_max < c.reconnect_initial) {
    return bad("reconnect_initial must be positive and at most reconnect_max");
  }
  if (c.handshake_timeout.count() <= 0) return bad("handshake_timeout must be positive");
  std::map<uint32_t, bool> seen;
  for (const PeerConfig& p : c.peers) {
    const std::string where = "peers[" + std::to_string(p.index) + "]";
    if (p.index == c.self_index) return bad(where + ": index is this node's own");
    if (!seen.emplace(p.index, true).second) return bad(where + ": duplicate index");
    if (p.name.empty()) return bad(where + ".name is empty");
    if (p.tls_key_id.size() != 64) return bad(where + ".tls_key_id must be 64 hex digits");
  }
  return Status::Ok();
}

Result<std::unique_ptr<ssl::context>> MakeTlsContext(const TransportConfig& c) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::no_tlsv1_2 | ssl::context::no_compression,
                   ec);
  SSL_CTX* native = ctx->native_handle();
  if (ec || SSL_CTX_set_min_proto_version(native, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_num_tickets(native, 0) != 1) {
    return Status::Error("transport.tls", "cannot restrict the TLS context to TLS 1.3");
  }
  ctx->use_certificate_chain(asio::buffer(c.cert_pem), ec);
  if (ec) return Status::Error("transport.tls", "own certificate: " + ec.message());
  ctx->use_private_key(asio::buffer(c.key_pem), ssl::context::pem, ec);
  if (ec) return Status::Error("transport.tls", "own private key: " + ec.message());
  if (SSL_CTX_check_private_key(native) != 1) {
    return Status::Error("transport.tls", "the private key does not match the certificate");
  }
  // The CA goes into the store by hand so that its lazily cached extension data is computed
  // here, once, rather than by concurrent handshakes (OpenSSL fills that cache on first use).
  BIO* bio = BIO_new_mem_buf(c.ca_pem.data(), static_cast<int>(c.ca_pem.size()));
  X509* ca = bio != nullptr ? PEM_read_bio_X509(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  const bool ca_ok = ca != nullptr && X509_check_purpose(ca, -1, 0) == 1 &&
                     X509_STORE_add_cert(SSL_CTX_get_cert_store(native), ca) == 1;
  X509_free(ca);
  if (!ca_ok) return Status::Error("transport.tls", "CA certificate: cannot load it");
  if (X509* own = SSL_CTX_get0_certificate(native); own != nullptr) X509_check_purpose(own, -1, 0);
  ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert, ec);
  if (ec) return Status::Error("transport.tls", "verify mode: " + ec.message());
  return ctx;
}

}  // namespace fapiao::transport::detail
