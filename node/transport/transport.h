// Transport: the TLS 1.3 peer transport between consortium members (docs/transport.md).
// Each node dials one outbound link per peer (for sending) and accepts inbound links (for
// receiving); both ends authenticate with certificates from the consortium CA bound to the
// member's configured key id. Send/Broadcast never block: per-peer send queues are bounded in
// bytes and overflow is dropped and counted. The caller owns the io_context (any number of
// threads; each connection runs on its own strand) and the handler, which must outlive Stop().
// All public methods are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ledger/core/status.h"
#include "node/transport/frame.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace fapiao::transport {

struct PeerConfig {
  uint32_t index = 0;
  std::string name;  // certificate CN
  std::string host;
  uint16_t port = 0;
  std::string tls_key_id;  // hex SHA-256 of the peer certificate's SubjectPublicKeyInfo DER
};

struct TransportConfig {
  uint32_t self_index = 0;
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 0;  // 0: the OS picks one; read it with Transport::listen_port()
  // PEM contents; where empty, read from the matching *_path.
  std::string cert_pem, key_pem, ca_pem;
  std::string cert_path, key_path, ca_path;
  std::string crl_path;  // optional; read at Create and by ReloadRevocations()
  std::vector<PeerConfig> peers;
  uint32_t max_frame_bytes = kDefaultMaxFrameBytes;
  uint64_t max_send_queue_bytes = 64u << 20;  // per peer, counting 4 header bytes per frame
  std::chrono::milliseconds reconnect_initial{100};
  std::chrono::milliseconds reconnect_max{10'000};
  std::chrono::milliseconds handshake_timeout{5'000};
  uint32_t max_pending_handshakes = 64;  // inbound connections not yet authenticated
};

// Called on io threads, possibly concurrently for different peers; dispatch further yourself.
class TransportHandler {
 public:
  virtual ~TransportHandler() = default;
  virtual void OnFrame(uint32_t from, std::string payload) = 0;
  // The outbound (sending) link to `peer` came up or went down.
  virtual void OnPeerConnected(uint32_t peer, bool up) {
    (void)peer;
    (void)up;
  }
};

struct PeerStats {
  uint32_t index = 0;
  bool outbound_up = false;
  uint32_t inbound_links = 0;
  uint64_t bytes_sent = 0, bytes_received = 0;  // payload + header bytes
  uint64_t frames_sent = 0, frames_received = 0, frames_dropped = 0;
  uint64_t queued_bytes = 0;  // queued and in flight
  uint64_t connects = 0;      // outbound links established
};

struct TransportStats {
  uint64_t refused_handshakes = 0;   // identity or certificate refusals, either direction
  uint64_t garbage_disconnects = 0;  // bad frames, TLS failures, non-TLS input, timeouts
  uint64_t dropped_frames = 0;       // sum of the peers' frames_dropped
  std::string last_failure;          // reason of the latest refusal or garbage disconnect
  std::vector<PeerStats> peers;      // in configuration order
};

class Transport {
 public:
  // Validates the config, loads certificates and the CRL, binds and listens (so listen_port() is
  // known), but neither accepts nor dials until Start(). Errors: transport.bad_config,
  // transport.tls, transport.listen, pki.*.
  static Result<std::unique_ptr<Transport>> Create(boost::asio::io_context& io,
                                                   TransportConfig config,
                                                   TransportHandler& handler);
  ~Transport();  // calls Stop()
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  uint16_t listen_port() const;
  // Changes where `peer` is dialed; takes effect at the next dial.
  Status SetPeerAddress(uint32_t peer, std::string host, uint16_t port);

  void Start();  // REQUIRES: called at most once
  // Closes sockets and cancels timers (asynchronously, on the io threads). After it returns no
  // new handler call starts; a call already running on another io thread may still finish.
  void Stop();

  // Queue a frame for `peer`; false if dropped (queue full, unknown peer, empty or oversized
  // payload, stopped). Never blocks.
  bool Send(uint32_t peer, std::string payload);
  // Send to every peer; returns how many queued it.
  size_t Broadcast(std::string payload);

  // Re-reads crl_path and drops live links of peers whose certificate is now revoked.
  Status ReloadRevocations();

  TransportStats Stats() const;

  struct Impl;

 private:
  explicit Transport(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace fapiao::transport
