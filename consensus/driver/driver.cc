#include "consensus/driver/driver.h"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <array>

#include "consensus/core/replica.h"
#include "consensus/driver/unneeded_votes.h"

namespace fapiao::consensus {

namespace asio = boost::asio;

struct Driver::Impl {
  Impl(asio::io_context& io_, asio::thread_pool& workers_, const Config& cfg, const Hasher& hasher,
       CodecContext codec_, std::unique_ptr<Wal> wal_, DriverEnv& env_, DriverStats& stats_)
      : io(io_),
        workers(workers_),
        strand(asio::make_strand(io_)),
        replica(cfg, hasher),
        codec(std::move(codec_)),
        wal(std::move(wal_)),
        env(env_),
        stats(stats_),
        timers{asio::steady_timer(strand), asio::steady_timer(strand), asio::steady_timer(strand),
               asio::steady_timer(strand)} {}

  // A WAL entry kept in memory so the log can be rewritten without what a
  // stable checkpoint makes unnecessary.
  struct Kept {
    Bytes bytes;
    int type = 0;  // Record variant index
    Seq seq = 0;
    View view = 0;
  };

  asio::io_context& io;
  asio::thread_pool& workers;
  asio::strand<asio::io_context::executor_type> strand;
  Replica replica;
  CodecContext codec;
  std::unique_ptr<Wal> wal;
  DriverEnv& env;
  DriverStats& stats;
  std::array<asio::steady_timer, kTimerKinds> timers;
  std::array<uint64_t, kTimerKinds> timer_gen{};
  std::vector<Kept> kept;
  std::vector<Bytes> to_persist;
  Actions actions;
  bool stopped = false;
  bool halted = false;
  View last_view = 0;
  bool last_in_vc = false;
  UnneededVotes unneeded;

  static Kept Describe(const Record& r, Bytes bytes) {
    Kept k;
    k.bytes = std::move(bytes);
    k.type = static_cast<int>(r.index());
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, PrePrepare> || std::is_same_v<T, Vote> ||
                        std::is_same_v<T, PreparedCert>) {
            k.seq = x.seq;
            k.view = x.view;
          } else if constexpr (std::is_same_v<T, CheckpointCert>) {
            k.seq = x.seq;
          } else {
            k.view = x.view;
          }
        },
        r);
    return k;
  }

  void Flush() {
    if (to_persist.empty() || halted) return;
    if (Status s = wal->Append(to_persist); !s.ok()) {
      HaltNow("consensus WAL append failed: " + s.ToString());
      return;
    }
    stats.wal_appends.fetch_add(1, std::memory_order_relaxed);
    stats.wal_bytes.store(wal->size_bytes(), std::memory_order_relaxed);
    to_persist.clear();
  }

  void HaltNow(const std::string& reason) {
    if (halted) return;
    halted = true;
    for (auto& t : timers) t.cancel();
    env.Halt(reason);
  }

  void Compact(const CheckpointCert& stable) {
    std::vector<Kept> keep;
    size_t last_vc = kept.size(), last_nv = kept.size();
    for (size_t i = 0; i < kept.size(); ++i) {
      if (kept[i].type == 3) last_vc = i;
      if (kept[i].type == 4) last_nv = i;
    }
    for (size_t i = 0; i < kept.size(); ++i) {
      const Kept& k = kept[i];
      const bool per_seq = k.type == 0 || k.type == 1 || k.type == 2;
      if ((per_seq && k.seq > stable.seq) || i == last_vc || i == last_nv) keep.push_back(k);
    }
    Record r = stable;
    Bytes bytes = EncodeRecord(codec, r).SerializeAsString();
    keep.insert(keep.begin(), Describe(r, std::move(bytes)));
    std::vector<Bytes> raw;
    raw.reserve(keep.size());
    for (const auto& k : keep) raw.push_back(k.bytes);
    if (Status s = wal->Rewrite(raw); !s.ok()) {
      HaltNow("consensus WAL rewrite failed: " + s.ToString());
      return;
    }
    kept = std::move(keep);
    stats.wal_bytes.store(wal->size_bytes(), std::memory_order_relaxed);
  }

  void Send(std::optional<ReplicaId> to, const Message& msg) {
    Flush();  // persist-then-send
    if (halted) return;
    pb::PeerMessage wire = Encode(codec, msg);
    if (const auto* pp = std::get_if<PrePrepare>(&msg)) {
      for (auto& b : env.BatchesOf(pp->block))
        *wire.mutable_pre_prepare()->add_batches() = std::move(b);
    }
    std::string frame = wire.SerializeAsString();
    stats.messages_out.fetch_add(1, std::memory_order_relaxed);
    if (to) {
      env.SendFrame(*to, std::move(frame));
    } else {
      env.BroadcastFrame(std::move(frame));
    }
  }

  void ArmTimer(const act::StartTimer& t) {
    const auto kind = static_cast<size_t>(t.kind);
    const uint64_t gen = ++timer_gen[kind];
    auto& timer = timers[kind];
    timer.expires_after(std::chrono::milliseconds(t.after));
    timer.async_wait([this, kind, gen, fired = ev::TimerFired{t.kind, t.view, t.seq}](
                         const boost::system::error_code& ec) {
      if (ec || stopped || gen != timer_gen[kind]) return;
      Step(fired);
    });
  }

  void Run() {
    for (auto& a : actions) {
      if (halted) break;
      std::visit(
          [&](auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, act::Persist>) {
              Bytes bytes = EncodeRecord(codec, x.record).SerializeAsString();
              kept.push_back(Describe(x.record, bytes));
              to_persist.push_back(std::move(bytes));
            } else if constexpr (std::is_same_v<T, act::Send>) {
              Send(x.to, x.msg);
            } else if constexpr (std::is_same_v<T, act::Broadcast>) {
              if (const auto* v = std::get_if<Vote>(&x.msg);
                  v != nullptr && v->phase == Phase::kCommit && v->sender == codec.self) {
                unneeded.Prepared(v->view, v->seq);
              }
              Send(std::nullopt, x.msg);
            } else if constexpr (std::is_same_v<T, act::StartTimer>) {
              ArmTimer(x);
            } else if constexpr (std::is_same_v<T, act::CancelTimer>) {
              ++timer_gen[static_cast<size_t>(x.kind)];
              timers[static_cast<size_t>(x.kind)].cancel();
            } else if constexpr (std::is_same_v<T, act::Execute>) {
              Flush();
              unneeded.Executed(x.seq);
              env.Execute(x);
            } else if constexpr (std::is_same_v<T, act::Fetch>) {
              env.Fetch(x.peer, x.from, x.to);
            } else if constexpr (std::is_same_v<T, act::Stable>) {
              Flush();
              Compact(x.cert);
            } else if constexpr (std::is_same_v<T, act::Evidence>) {
              stats.evidence.fetch_add(1, std::memory_order_relaxed);
              env.Evidence(x);
            } else {
              Flush();
              HaltNow(x.reason);
            }
          },
          a);
    }
    Flush();
    if (replica.view() != last_view || replica.in_view_change() != last_in_vc) {
      if (replica.view() != last_view) stats.view_changes.fetch_add(1, std::memory_order_relaxed);
      last_view = replica.view();
      last_in_vc = replica.in_view_change();
      unneeded.SetView(last_view);
      stats.view.store(last_view, std::memory_order_relaxed);
      env.ViewChanged(last_view, last_in_vc);
    }
  }

  // REQUIRES: on the strand.
  void Step(const Event& e) {
    if (stopped || halted) return;
    actions.clear();
    replica.Step(e, actions);
    Run();
  }
};

Driver::Driver(asio::io_context& io, asio::thread_pool& workers, const Config& cfg,
               const Hasher& hasher, CodecContext codec, std::unique_ptr<Wal> wal, DriverEnv& env)
    : impl_(std::make_unique<Impl>(io, workers, cfg, hasher, std::move(codec), std::move(wal), env,
                                   stats_)) {}

Driver::~Driver() = default;

const CodecContext& Driver::codec() const {
  return impl_->codec;
}

void Driver::SetHeaderSource(HeaderSource* source) {
  asio::post(impl_->strand, [this, source] { impl_->replica.SetHeaderSource(source); });
}

void Driver::Start(Seq last_executed, const Hash& last_root, ExecutedSet executed) {
  asio::post(impl_->strand,
             [this, last_executed, last_root, executed = std::move(executed)]() mutable {
               Impl& d = *impl_;
               Recovery rec;
               rec.last_executed = last_executed;
               rec.last_root = last_root;
               rec.executed = std::move(executed);
               CodecContext trusted = d.codec;
               trusted.verifier = nullptr;  // own WAL
               for (const Bytes& raw : d.wal->records()) {
                 pb::WalRecord wr;
                 if (!wr.ParseFromString(raw)) continue;
                 auto r = DecodeRecord(trusted, wr);
                 if (!r.ok()) continue;
                 d.kept.push_back(Impl::Describe(*r, raw));
                 rec.wal.push_back(std::move(*r));
               }
               d.actions.clear();
               if (rec.wal.empty() && last_executed == 0) {
                 d.replica.Start(d.actions);
               } else {
                 d.replica.Step(ev::Recovered{std::move(rec)}, d.actions);
               }
               d.Run();
             });
}

void Driver::Stop() {
  asio::post(impl_->strand, [this] {
    impl_->stopped = true;
    for (auto& t : impl_->timers) t.cancel();
  });
}

void Driver::OnPeerMessage(ReplicaId from, std::shared_ptr<const pb::PeerMessage> msg) {
  stats_.messages_in.fetch_add(1, std::memory_order_relaxed);
  stats_.verify_queue.fetch_add(1, std::memory_order_relaxed);
  asio::post(impl_->workers, [this, from, msg = std::move(msg)] {
    stats_.verify_queue.fetch_sub(1, std::memory_order_relaxed);
    if (msg->has_vote() && msg->vote().sender() == from && impl_->unneeded.Has(msg->vote())) {
      stats_.votes_unneeded.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    auto decoded = Decode(impl_->codec, from, *msg);
    if (!decoded.ok()) {
      stats_.messages_dropped.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (const auto* pp = std::get_if<PrePrepare>(&*decoded)) {
      if (!impl_->env.AdmitProposal(*pp, msg->pre_prepare()).ok()) {
        stats_.messages_dropped.fetch_add(1, std::memory_order_relaxed);
        return;
      }
    }
    auto m = std::make_shared<Message>(std::move(*decoded));
    asio::post(impl_->strand, [this, from, m] { impl_->Step(ev::Receive{from, m.get()}); });
  });
}

void Driver::Submit(const RequestRef& request) {
  asio::post(impl_->strand, [this, request] { impl_->Step(ev::RequestReady{request}); });
}

void Driver::Executed(Seq seq, const Hash& root) {
  asio::post(impl_->strand, [this, seq, root] { impl_->Step(ev::BlockExecuted{seq, root}); });
}

void Driver::Fetched(Seq seq, Block block, CommitCert cert) {
  asio::post(impl_->strand,
             [this, seq, block = std::move(block), cert = std::move(cert)]() mutable {
               impl_->Step(ev::BlockFetched{seq, std::move(block), std::move(cert)});
             });
}

}  // namespace fapiao::consensus
