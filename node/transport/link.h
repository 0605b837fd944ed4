// Link: one TLS connection of the transport (internal; included only by transport sources).
// It runs the handshake (with the identity check in the verify callback), then either reads
// frames (inbound) or writes batches taken from its owner's per-peer queue (outbound). All its
// state lives on its socket's strand; Start/Close/KickWrite may be called from any thread.
// The owner (LinkOwner) outlives every link that holds it.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/core/status.h"
#include "node/transport/frame.h"
#include "node/transport/pki.h"

namespace fapiao::transport::detail {

class Link;

enum class Direction { kInbound, kOutbound };
enum class Failure { kNone, kRefused, kGarbage };

struct WriteBatch {
  std::string bytes;  // encoded frames
  uint64_t frames = 0;
  uint64_t accounted = 0;  // bytes the queue accounting released when this batch completes
};

class LinkOwner {
 public:
  virtual ~LinkOwner() = default;
  virtual Result<uint32_t> Authenticate(const CertificateInfo& cert,
                                        std::optional<uint32_t> expected) = 0;
  // After a successful handshake; false closes the link (stopped, revoked meanwhile).
  virtual bool OnEstablished(const std::shared_ptr<Link>& link) = 0;
  virtual void OnFrame(uint32_t peer, std::string payload) = 0;
  virtual WriteBatch TakeBatch(uint32_t peer) = 0;
  virtual void OnWriteDone(uint32_t peer, const WriteBatch& batch, bool ok) = 0;
  // Exactly once per link.
  virtual void OnClosed(const std::shared_ptr<Link>& link, bool was_established, Failure failure,
                        const std::string& why) = 0;
};

struct LinkOptions {
  uint32_t max_frame_bytes = kDefaultMaxFrameBytes;
  std::chrono::milliseconds handshake_timeout{5'000};
};

class Link : public std::enable_shared_from_this<Link> {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  // `expected_peer` is the dialed member for outbound links, nullopt for inbound ones.
  Link(std::shared_ptr<LinkOwner> owner, Socket socket, boost::asio::ssl::context& tls,
       Direction direction, std::optional<uint32_t> expected_peer, LinkOptions options);

  void Start();
  void Close();
  void KickWrite();

  Direction direction() const { return direction_; }
  // The authenticated member; for outbound links the dialed one from construction on.
  uint32_t peer() const { return peer_; }
  // The peer certificate's serial; set during the handshake, before OnEstablished.
  const std::string& serial_hex() const { return serial_hex_; }

 private:
  void DoHandshake();
  bool Verify(bool preverified, boost::asio::ssl::verify_context& ctx);
  void OnHandshake(const boost::system::error_code& ec);
  void DoRead();
  void OnRead(const boost::system::error_code& ec, size_t n);
  void DoWrite();
  void Finish(Failure failure, const std::string& why);
  Failure Classify(const boost::system::error_code& ec, bool in_handshake) const;

  std::shared_ptr<LinkOwner> owner_;
  boost::asio::ssl::stream<Socket> stream_;
  boost::asio::steady_timer timer_;
  const Direction direction_;
  const std::optional<uint32_t> expected_peer_;
  const LinkOptions options_;
  uint32_t peer_ = 0;
  std::string serial_hex_;
  std::string verify_error_;  // non-empty once the verify callback refused the peer
  bool established_ = false;
  bool closed_ = false;
  bool writing_ = false;
  FrameDecoder decoder_;
  std::vector<char> read_buf_;
  std::vector<std::string> frames_;
  WriteBatch batch_;
};

}  // namespace fapiao::transport::detail
