// One TLS connection of the transport (link.h).
#include "node/transport/link.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace fapiao::transport::detail {
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;

namespace {
constexpr size_t kReadChunk = 64 * 1024;

bool IsAlertFromPeer(const boost::system::error_code& ec) {
  if (ec.category() != asio::error::get_ssl_category()) return false;
  const auto reason = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
  return reason >= SSL_AD_REASON_OFFSET;  // SSL_R_*_ALERT_*: the peer sent an alert
}
}  // namespace

Link::Link(std::shared_ptr<LinkOwner> owner, Socket socket, ssl::context& tls, Direction direction,
           std::optional<uint32_t> expected_peer, LinkOptions options)
    : owner_(std::move(owner)),
      stream_(std::move(socket), tls),
      timer_(stream_.get_executor()),
      direction_(direction),
      expected_peer_(expected_peer),
      options_(options),
      peer_(expected_peer.value_or(0)),
      decoder_(options.max_frame_bytes) {}

void Link::Start() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->DoHandshake(); });
}

void Link::Close() {
  asio::post(stream_.get_executor(),
             [self = shared_from_this()] { self->Finish(Failure::kNone, "closed locally"); });
}

void Link::KickWrite() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->DoWrite(); });
}

void Link::DoHandshake() {
  if (closed_) return;
  stream_.set_verify_callback(
      [this](bool preverified, ssl::verify_context& ctx) { return Verify(preverified, ctx); });
  timer_.expires_after(options_.handshake_timeout);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->established_) return;
    self->Finish(self->direction_ == Direction::kInbound ? Failure::kGarbage : Failure::kNone,
                 "handshake timeout");
  });
  stream_.async_handshake(
      direction_ == Direction::kOutbound ? ssl::stream_base::client : ssl::stream_base::server,
      [self = shared_from_this()](const boost::system::error_code& ec) { self->OnHandshake(ec); });
}

// Runs inside the handshake, on this link's strand. OpenSSL has already checked the chain to
// the CA and the validity period (preverified); here the leaf's identity is checked.
bool Link::Verify(bool preverified, ssl::verify_context& ctx) {
  X509_STORE_CTX* store = ctx.native_handle();
  if (!preverified) {
    verify_error_ = X509_verify_cert_error_string(X509_STORE_CTX_get_error(store));
    return false;
  }
  if (X509_STORE_CTX_get_error_depth(store) != 0) return true;
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  unsigned char* der = nullptr;
  int len = cert != nullptr ? i2d_X509(cert, &der) : -1;
  if (len <= 0) {
    verify_error_ = "cannot encode the peer certificate";
    return false;
  }
  auto info = InspectCertificateDer(
      std::string_view(reinterpret_cast<char*>(der), static_cast<size_t>(len)));
  OPENSSL_free(der);
  if (!info.ok()) {
    verify_error_ = info.status().ToString();
    return false;
  }
  auto peer = owner_->Authenticate(*info, expected_peer_);
  if (!peer.ok()) {
    verify_error_ = peer.status().ToString();
    return false;
  }
  peer_ = *peer;
  serial_hex_ = info->serial_hex;
  return true;
}

Failure Link::Classify(const boost::system::error_code& ec, bool in_handshake) const {
  if (!verify_error_.empty()) return Failure::kRefused;
  if (ec == asio::error::eof || ec == asio::error::operation_aborted ||
      ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
      ec == ssl::error::stream_truncated) {
    return Failure::kNone;
  }
  if (ec.category() != asio::error::get_ssl_category()) return Failure::kNone;
  // TLS-level failure. A peer's alert during our handshake, or on an outbound link (TLS 1.3
  // servers reject a client certificate after the client finished), is a refusal.
  if (IsAlertFromPeer(ec) && (in_handshake || direction_ == Direction::kOutbound)) {
    return Failure::kRefused;
  }
  if (direction_ == Direction::kOutbound && in_handshake) return Failure::kRefused;
  return Failure::kGarbage;
}

void Link::OnHandshake(const boost::system::error_code& ec) {
  timer_.cancel();
  if (closed_) return;
  if (ec) {
    Finish(Classify(ec, true),
           verify_error_.empty() ? "handshake: " + ec.message() : "refused: " + verify_error_);
    return;
  }
  if (!owner_->OnEstablished(shared_from_this())) {
    Finish(Failure::kNone, "not admitted");
    return;
  }
  established_ = true;
  DoRead();
  DoWrite();
}

void Link::DoRead() {
  if (read_buf_.empty()) read_buf_.resize(kReadChunk);
  stream_.async_read_some(asio::buffer(read_buf_),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      size_t n) { self->OnRead(ec, n); });
}

void Link::OnRead(const boost::system::error_code& ec, size_t n) {
  if (closed_) return;
  if (ec) {
    Finish(Classify(ec, false), "read: " + ec.message());
    return;
  }
  if (direction_ == Direction::kOutbound) {
    Finish(Failure::kGarbage, "data received on a sending link");
    return;
  }
  frames_.clear();
  Status st = decoder_.Feed(std::string_view(read_buf_.data(), n), frames_);
  for (std::string& frame : frames_) {
    owner_->OnFrame(peer_, std::move(frame));
    if (closed_) return;
  }
  frames_.clear();
  if (!st.ok()) {
    Finish(Failure::kGarbage, st.ToString());
    return;
  }
  DoRead();
}

void Link::DoWrite() {
  if (closed_ || !established_ || writing_ || direction_ != Direction::kOutbound) return;
  batch_ = owner_->TakeBatch(peer_);
  if (batch_.frames == 0) return;
  writing_ = true;
  asio::async_write(stream_, asio::buffer(batch_.bytes),
                    [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                      self->writing_ = false;
                      WriteBatch done = std::move(self->batch_);
                      self->batch_ = WriteBatch{};
                      self->owner_->OnWriteDone(self->peer_, done, !ec);
                      if (ec) {
                        self->Finish(self->Classify(ec, false), "write: " + ec.message());
                      } else {
                        self->DoWrite();
                      }
                    });
}

void Link::Finish(Failure failure, const std::string& why) {
  if (closed_) return;
  closed_ = true;
  timer_.cancel();
  boost::system::error_code ignored;
  stream_.lowest_layer().shutdown(Socket::shutdown_both, ignored);
  stream_.lowest_layer().close(ignored);
  owner_->OnClosed(shared_from_this(), established_, failure, why);
}

}  // namespace fapiao::transport::detail
