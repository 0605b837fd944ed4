// The TLS peer transport (transport.h): configuration, the per-peer send queues, dialing with
// back-off, accepting, revocation and statistics. Connections themselves are in link.cc.
#include "node/transport/transport.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <utility>

#include "node/transport/link.h"
#include "node/transport/peer_auth.h"
#include "node/transport/pki.h"
#include "node/transport/setup.h"

namespace fapiao::transport {
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using asio::ip::tcp;
using detail::Direction;
using detail::Failure;
using detail::Link;
using detail::LoadPem;
using detail::MakeTlsContext;
using detail::ValidateConfig;
using detail::WriteBatch;

namespace {
constexpr size_t kMaxWriteBatchBytes = 256 * 1024;
constexpr size_t kMaxInboundPerPeer = 4;
constexpr auto kStableLink = std::chrono::seconds(1);
thread_local bool t_in_callback = false;

}  // namespace

struct PeerSlot {
  PeerSlot(asio::io_context& io, PeerConfig c, std::chrono::milliseconds initial)
      : config(std::move(c)),
        dial_strand(asio::make_strand(io)),
        retry_timer(dial_strand),
        resolver(dial_strand),
        backoff(initial) {}

  PeerConfig config;  // host and port guarded by mu
  std::mutex mu;
  std::deque<std::shared_ptr<const std::string>> queue;  // guarded by mu
  uint64_t queued_bytes = 0;                             // guarded by mu; includes in-flight
  std::weak_ptr<Link> outbound;                          // guarded by mu
  std::string outbound_serial;                           // guarded by mu
  std::chrono::steady_clock::time_point outbound_since;  // guarded by mu
  std::vector<std::pair<std::weak_ptr<Link>, std::string>> inbound;  // guarded by mu
  std::weak_ptr<tcp::socket> connecting;                             // guarded by mu
  std::atomic<uint64_t> bytes_sent{0}, bytes_received{0}, frames_sent{0}, frames_received{0},
      frames_dropped{0}, connects{0};
  // Dialing state, only touched on dial_strand.
  asio::strand<asio::io_context::executor_type> dial_strand;
  asio::steady_timer retry_timer;
  tcp::resolver resolver;
  std::chrono::milliseconds backoff;
};

struct Transport::Impl final : detail::LinkOwner, std::enable_shared_from_this<Transport::Impl> {
  Impl(asio::io_context& io_in, TransportConfig c, TransportHandler& h)
      : io(io_in), config(std::move(c)), handler(h), acceptor(asio::make_strand(io_in)) {}

  asio::io_context& io;
  const TransportConfig config;
  TransportHandler& handler;
  std::unique_ptr<ssl::context> tls;
  std::unique_ptr<PeerAuthority> auth;
  std::vector<std::unique_ptr<PeerSlot>> slots;
  std::map<uint32_t, PeerSlot*> by_index;
  tcp::acceptor acceptor;  // on its own strand
  uint16_t port = 0;
  std::atomic<bool> stopped{false};
  std::atomic<bool> started{false};
  std::shared_mutex callback_mu;  // exclusive in Stop(): no handler call runs after it
  std::atomic<uint32_t> pending_handshakes{0};
  std::atomic<uint64_t> refused{0}, garbage{0};
  mutable std::mutex failure_mu;
  std::string last_failure;  // guarded by failure_mu
  asio::steady_timer accept_retry{acceptor.get_executor()};
  std::mutex links_mu;
  std::map<Link*, std::weak_ptr<Link>> links;  // every live link, for Stop()

  PeerSlot* Find(uint32_t index) const {
    auto it = by_index.find(index);
    return it == by_index.end() ? nullptr : it->second;
  }

  detail::LinkOptions LinkOpts() const {
    return detail::LinkOptions{config.max_frame_bytes, config.handshake_timeout};
  }

  std::shared_ptr<Link> NewLink(tcp::socket socket, Direction dir, std::optional<uint32_t> peer) {
    auto link =
        std::make_shared<Link>(shared_from_this(), std::move(socket), *tls, dir, peer, LinkOpts());
    std::lock_guard lock(links_mu);
    links.emplace(link.get(), link);
    return link;
  }

  template <typename F>
  void CallHandler(F&& f) {
    std::shared_lock lock(callback_mu);
    if (stopped) return;
    t_in_callback = true;
    f();
    t_in_callback = false;
  }

  // --- Accepting ---
  void Accept() {
    acceptor.async_accept(
        asio::make_strand(io),
        [self = shared_from_this()](const boost::system::error_code& ec, tcp::socket socket) {
          if (self->stopped || ec == asio::error::operation_aborted) return;
          if (ec) {  // e.g. out of file descriptors: retry shortly instead of spinning
            self->accept_retry.expires_after(std::chrono::milliseconds(50));
            self->accept_retry.async_wait([self](const boost::system::error_code& tec) {
              if (!tec) self->Accept();
            });
            return;
          }
          {
            if (self->pending_handshakes.load() >= self->config.max_pending_handshakes) {
              boost::system::error_code ignored;
              socket.close(ignored);
              ++self->garbage;
            } else {
              ++self->pending_handshakes;
              self->NewLink(std::move(socket), Direction::kInbound, std::nullopt)->Start();
            }
          }
          self->Accept();
        });
  }

  // --- Dialing (on the peer's dial strand) ---
  void Dial(PeerSlot& slot) {
    if (stopped) return;
    std::string host;
    uint16_t peer_port = 0;
    {
      std::lock_guard lock(slot.mu);
      host = slot.config.host;
      peer_port = slot.config.port;
    }
    if (peer_port == 0) {
      ScheduleRedial(slot, false);
      return;
    }
    slot.resolver.async_resolve(
        host, std::to_string(peer_port),
        [self = shared_from_this(), &slot](const boost::system::error_code& ec,
                                           tcp::resolver::results_type results) {
          if (ec || self->stopped) {
            self->ScheduleRedial(slot, false);
            return;
          }
          auto socket = std::make_shared<tcp::socket>(asio::make_strand(self->io));
          {
            std::lock_guard lock(slot.mu);
            slot.connecting = socket;
          }
          asio::async_connect(
              *socket, results,
              [self, &slot, socket](const boost::system::error_code& cec, const tcp::endpoint&) {
                if (cec || self->stopped) {
                  asio::post(slot.dial_strand,
                             [self, &slot] { self->ScheduleRedial(slot, false); });
                  return;
                }
                self->NewLink(std::move(*socket), Direction::kOutbound, slot.config.index)->Start();
              });
        });
  }

  void ScheduleRedial(PeerSlot& slot, bool reset_backoff) {
    if (stopped) return;
    if (reset_backoff) slot.backoff = config.reconnect_initial;
    const auto delay = slot.backoff;
    slot.backoff = std::min(slot.backoff * 2, config.reconnect_max);
    slot.retry_timer.expires_after(delay);
    slot.retry_timer.async_wait(
        [self = shared_from_this(), &slot](const boost::system::error_code& ec) {
          if (!ec) self->Dial(slot);
        });
  }

  // --- LinkOwner ---
  Result<uint32_t> Authenticate(const CertificateInfo& cert,
                                std::optional<uint32_t> expected) override {
    return auth->Authenticate(cert, expected);
  }

  bool OnEstablished(const std::shared_ptr<Link>& link) override {
    if (stopped) return false;
    PeerSlot* slot = Find(link->peer());
    if (slot == nullptr) return false;
    std::vector<std::shared_ptr<Link>> evicted;
    {
      std::lock_guard lock(slot->mu);  // revocation is checked under mu: see ReloadRevocations
      if (auth->IsRevoked(link->serial_hex())) return false;
      if (link->direction() == Direction::kOutbound) {
        slot->outbound = link;
        slot->outbound_serial = link->serial_hex();
        slot->outbound_since = std::chrono::steady_clock::now();
      } else {
        --pending_handshakes;
        std::erase_if(slot->inbound, [](const auto& e) { return e.first.expired(); });
        while (slot->inbound.size() >= kMaxInboundPerPeer) {
          if (auto old = slot->inbound.front().first.lock()) evicted.push_back(std::move(old));
          slot->inbound.erase(slot->inbound.begin());
        }
        slot->inbound.emplace_back(link, link->serial_hex());
      }
    }
    for (auto& old : evicted) old->Close();
    if (link->direction() == Direction::kOutbound) {
      ++slot->connects;
      CallHandler([&] { handler.OnPeerConnected(link->peer(), true); });
    }
    return true;
  }

  void OnFrame(uint32_t peer, std::string payload) override {
    PeerSlot* slot = Find(peer);
    if (slot == nullptr) return;
    ++slot->frames_received;
    slot->bytes_received += payload.size() + kFrameHeaderBytes;
    CallHandler([&] { handler.OnFrame(peer, std::move(payload)); });
  }

  WriteBatch TakeBatch(uint32_t peer) override {
    WriteBatch batch;
    PeerSlot* slot = Find(peer);
    if (slot == nullptr) return batch;
    std::vector<std::shared_ptr<const std::string>> taken;
    size_t bytes = 0;
    {
      std::lock_guard lock(slot->mu);
      while (!slot->queue.empty() && (taken.empty() || bytes < kMaxWriteBatchBytes)) {
        bytes += slot->queue.front()->size() + kFrameHeaderBytes;
        taken.push_back(std::move(slot->queue.front()));
        slot->queue.pop_front();
      }
    }
    batch.bytes.reserve(bytes);
    for (const auto& msg : taken) AppendFrame(batch.bytes, *msg);
    batch.frames = taken.size();
    batch.accounted = bytes;
    return batch;
  }

  void OnWriteDone(uint32_t peer, const WriteBatch& batch, bool ok) override {
    PeerSlot* slot = Find(peer);
    if (slot == nullptr) return;
    {
      std::lock_guard lock(slot->mu);
      slot->queued_bytes -= batch.accounted;
    }
    if (ok) {
      slot->frames_sent += batch.frames;
      slot->bytes_sent += batch.bytes.size();
    } else {
      slot->frames_dropped += batch.frames;
    }
  }

  void OnClosed(const std::shared_ptr<Link>& link, bool was_established, Failure failure,
                const std::string& why) override {
    if (failure != Failure::kNone) {
      ++(failure == Failure::kRefused ? refused : garbage);
      std::lock_guard lock(failure_mu);
      last_failure = why;
    }
    {
      std::lock_guard lock(links_mu);
      links.erase(link.get());
    }
    PeerSlot* slot =
        was_established || link->direction() == Direction::kOutbound ? Find(link->peer()) : nullptr;
    if (link->direction() == Direction::kInbound) {
      if (!was_established) {
        --pending_handshakes;
      } else if (slot != nullptr) {
        std::lock_guard lock(slot->mu);
        std::erase_if(slot->inbound, [&](const auto& e) {
          auto l = e.first.lock();
          return !l || l == link;
        });
      }
      return;
    }
    if (slot == nullptr) return;
    bool stable = false;
    bool was_current = false;
    {
      std::lock_guard lock(slot->mu);
      if (slot->outbound.lock() == link) {
        was_current = true;
        slot->outbound.reset();
        stable = std::chrono::steady_clock::now() - slot->outbound_since >= kStableLink;
      }
    }
    if (was_established && was_current) {
      CallHandler([&] { handler.OnPeerConnected(link->peer(), false); });
    }
    asio::post(slot->dial_strand,
               [self = shared_from_this(), slot, stable] { self->ScheduleRedial(*slot, stable); });
  }

  bool Enqueue(PeerSlot& slot, std::shared_ptr<const std::string> msg) {
    const uint64_t cost = msg->size() + kFrameHeaderBytes;
    std::shared_ptr<Link> link;
    {
      std::lock_guard lock(slot.mu);
      if (slot.queued_bytes + cost > config.max_send_queue_bytes) {
        ++slot.frames_dropped;
        return false;
      }
      slot.queue.push_back(std::move(msg));
      slot.queued_bytes += cost;
      link = slot.outbound.lock();
    }
    if (link) link->KickWrite();
    return true;
  }
};

Transport::Transport(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Transport::~Transport() {
  Stop();
}

Result<std::unique_ptr<Transport>> Transport::Create(asio::io_context& io, TransportConfig config,
                                                     TransportHandler& handler) {
  Status st = LoadPem(config.cert_pem, config.cert_path, "cert");
  if (st.ok()) st = LoadPem(config.key_pem, config.key_path, "key");
  if (st.ok()) st = LoadPem(config.ca_pem, config.ca_path, "ca");
  if (st.ok()) st = ValidateConfig(config);
  if (!st.ok()) return st;
  auto own = InspectCertificatePem(config.cert_pem);
  if (!own.ok()) return own.status();
  if (own->member_index != config.self_index) {
    return Status::Error("transport.bad_config", "cert: the certificate is not for member " +
                                                     std::to_string(config.self_index));
  }
  auto tls = MakeTlsContext(config);
  if (!tls.ok()) return tls.status();

  std::map<uint32_t, MemberIdentity> members;
  for (const PeerConfig& p : config.peers) members[p.index] = MemberIdentity{p.name, p.tls_key_id};
  auto impl = std::make_shared<Impl>(io, config, handler);
  impl->tls = std::move(*tls);
  impl->auth = std::make_unique<PeerAuthority>(config.self_index, std::move(members));
  for (const PeerConfig& p : impl->config.peers) {
    impl->slots.push_back(std::make_unique<PeerSlot>(io, p, impl->config.reconnect_initial));
    impl->by_index[p.index] = impl->slots.back().get();
  }
  auto transport = std::unique_ptr<Transport>(new Transport(impl));
  if (!impl->config.crl_path.empty()) {
    st = transport->ReloadRevocations();
    if (!st.ok()) return st;
  }

  boost::system::error_code ec;
  auto address = asio::ip::make_address(impl->config.listen_host, ec);
  if (ec) return Status::Error("transport.bad_config", "listen_host: " + ec.message());
  tcp::endpoint endpoint(address, impl->config.listen_port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Error("transport.listen", "cannot listen on " + impl->config.listen_host + ":" +
                                                 std::to_string(impl->config.listen_port) + ": " +
                                                 ec.message());
  }
  impl->port = impl->acceptor.local_endpoint().port();
  return transport;
}

uint16_t Transport::listen_port() const {
  return impl_->port;
}

Status Transport::SetPeerAddress(uint32_t peer, std::string host, uint16_t port) {
  PeerSlot* slot = impl_->Find(peer);
  if (slot == nullptr)
    return Status::Error("transport.unknown_peer", "no peer " + std::to_string(peer));
  std::lock_guard lock(slot->mu);
  slot->config.host = std::move(host);
  slot->config.port = port;
  return Status::Ok();
}

void Transport::Start() {
  if (impl_->started.exchange(true) || impl_->stopped) return;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] { impl->Accept(); });
  for (auto& slot : impl_->slots) {
    asio::post(slot->dial_strand, [impl = impl_, s = slot.get()] { impl->Dial(*s); });
  }
}

void Transport::Stop() {
  if (t_in_callback) {
    impl_->stopped = true;  // Stop() from inside a handler call: cannot wait for ourselves
  } else {
    std::unique_lock lock(impl_->callback_mu);
    impl_->stopped = true;
  }
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
    impl->accept_retry.cancel();
  });
  for (auto& slot : impl_->slots) {
    asio::post(slot->dial_strand, [s = slot.get(), impl = impl_] {
      s->retry_timer.cancel();
      s->resolver.cancel();
    });
    std::shared_ptr<tcp::socket> connecting;
    {
      std::lock_guard lock(slot->mu);
      connecting = slot->connecting.lock();
    }
    if (connecting) {
      asio::post(connecting->get_executor(), [connecting] {
        boost::system::error_code ignored;
        connecting->close(ignored);
      });
    }
  }
  std::vector<std::shared_ptr<Link>> live;
  {
    std::lock_guard lock(impl_->links_mu);
    for (auto& [raw, weak] : impl_->links) {
      if (auto l = weak.lock()) live.push_back(std::move(l));
    }
  }
  for (auto& l : live) l->Close();
}

bool Transport::Send(uint32_t peer, std::string payload) {
  PeerSlot* slot = impl_->Find(peer);
  if (slot == nullptr) return false;
  if (impl_->stopped || payload.empty() || payload.size() > impl_->config.max_frame_bytes) {
    ++slot->frames_dropped;
    return false;
  }
  return impl_->Enqueue(*slot, std::make_shared<const std::string>(std::move(payload)));
}

size_t Transport::Broadcast(std::string payload) {
  if (impl_->stopped || payload.empty() || payload.size() > impl_->config.max_frame_bytes) {
    for (auto& slot : impl_->slots) ++slot->frames_dropped;
    return 0;
  }
  auto msg = std::make_shared<const std::string>(std::move(payload));
  size_t queued = 0;
  for (auto& slot : impl_->slots) queued += impl_->Enqueue(*slot, msg) ? 1 : 0;
  return queued;
}

Status Transport::ReloadRevocations() {
  if (impl_->config.crl_path.empty()) {
    return Status::Error("transport.no_crl", "no crl_path is configured");
  }
  auto pem = ReadTextFile(impl_->config.crl_path);
  if (!pem.ok()) return pem.status();
  auto revoked = LoadRevokedSerials(*pem, impl_->config.ca_pem);
  if (!revoked.ok()) return revoked.status();
  impl_->auth->SetRevoked(std::move(*revoked));
  // OnEstablished checks revocation under the slot mutex, so a link is either seen here or
  // refused there.
  std::vector<std::shared_ptr<Link>> drop;
  for (auto& slot : impl_->slots) {
    std::lock_guard lock(slot->mu);
    if (auto l = slot->outbound.lock(); l && impl_->auth->IsRevoked(slot->outbound_serial)) {
      drop.push_back(std::move(l));
    }
    for (auto& [weak, serial] : slot->inbound) {
      if (auto l = weak.lock(); l && impl_->auth->IsRevoked(serial)) drop.push_back(std::move(l));
    }
  }
  for (auto& l : drop) l->Close();
  return Status::Ok();
}

TransportStats Transport::Stats() const {
  TransportStats out;
  out.refused_handshakes = impl_->refused;
  out.garbage_disconnects = impl_->garbage;
  {
    std::lock_guard lock(impl_->failure_mu);
    out.last_failure = impl_->last_failure;
  }
  for (auto& slot : impl_->slots) {
    PeerStats p;
    p.index = slot->config.index;
    {
      std::lock_guard lock(slot->mu);
      p.outbound_up = !slot->outbound.expired();
      for (auto& e : slot->inbound) p.inbound_links += e.first.expired() ? 0 : 1;
      p.queued_bytes = slot->queued_bytes;
    }
    p.bytes_sent = slot->bytes_sent;
    p.bytes_received = slot->bytes_received;
    p.frames_sent = slot->frames_sent;
    p.frames_received = slot->frames_received;
    p.frames_dropped = slot->frames_dropped;
    p.connects = slot->connects;
    out.dropped_frames += p.frames_dropped;
    out.peers.push_back(p);
  }
  return out;
}

}  // namespace fapiao::transport
