#include "node/node.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <bit>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "api/metrics.h"
#include "consensus/core/certificates.h"
#include "consensus/driver/driver.h"
#include "consensus/driver/memo_signer.h"
#include "contracts/kinds.h"
#include "ledger/core/block.h"
#include "ledger/core/merkle.h"
#include "ledger/store/rocks_store.h"
#include "node/batcher.h"
#include "node/executor.h"
#include "node/init.h"
#include "node/mempool.h"
#include "node/transport/pki.h"
#include "node/transport/transport.h"
#include "proto/p2p.pb.h"

namespace fapiao::node {

namespace asio = boost::asio;
using consensus::Block;
using consensus::ReplicaId;

namespace {

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// A proposal's time may lead or trail this node's clock by at most this much.
constexpr uint64_t kMaxClockSkewMs = 60'000;
// Catch-up answers carry at most this many blocks / bytes.
constexpr uint64_t kMaxFetchBlocks = 64;
constexpr size_t kMaxFetchBytes = 16u << 20;

}  // namespace

struct Node::Impl final : consensus::DriverEnv,
                          consensus::HeaderSource,
                          transport::TransportHandler {
  NodeConfig config;
  Consortium consortium;
  std::shared_ptr<spdlog::logger> log;
  std::unique_ptr<CryptoSuite> suite;
  std::unique_ptr<Signer> signer;
  std::unique_ptr<consensus::MemoSigner> vote_signer;  // own consensus statements, signed once
  std::vector<Hash> member_keys;
  GenesisArtifacts genesis;
  Hash null_digest;

  asio::io_context io;
  std::unique_ptr<asio::thread_pool> workers;
  std::vector<std::thread> io_threads;
  std::unique_ptr<asio::executor_work_guard<asio::io_context::executor_type>> work;

  std::unique_ptr<RocksStore> store;
  std::unique_ptr<Mempool> mempool;
  consensus::CodecContext codec;
  std::unique_ptr<Executor> executor;
  std::unique_ptr<consensus::Driver> driver;
  std::unique_ptr<transport::Transport> transport;
  std::unique_ptr<Batcher> batcher;

  // Waiters for transactions submitted here, by tx id.
  mutable std::mutex waiters_mu;
  std::unordered_map<Hash, std::vector<std::function<void(Result<TxOutcome>)>>> waiters;
  // Waiters for a height to be executed here (AwaitHeight), under waiters_mu: by
  // height, each with its id and the timer that ends its wait.
  struct HeightWaiter {
    uint64_t id = 0;
    std::function<void()> then;
    std::shared_ptr<asio::steady_timer> timer;
  };
  std::multimap<uint64_t, HeightWaiter> height_waiters;
  uint64_t next_height_waiter = 0;

  std::mutex state_mu;
  std::condition_variable state_cv;
  bool stopping = false;
  bool torn_down = false;
  bool halted = false;
  std::string halt_reason;
  int exit_code = 0;
  std::atomic<uint64_t> view{0};
  std::atomic<bool> view_changing{false};
  std::atomic<uint64_t> last_proposed_ms{0};
  std::atomic<uint64_t> fetch_requests{0}, fetched_blocks{0}, bad_fetch{0}, garbage_frames{0};
  std::atomic<uint64_t> committed_txs{0}, evidence{0};
  api::Histogram* commit_latency = nullptr;  // set by RegisterMetrics before Start
  api::Histogram* block_txs = nullptr;
  api::Histogram* batch_txs = nullptr;
  api::Histogram* execution_seconds = nullptr;
  api::Histogram* store_write_seconds = nullptr;
  // Batches submitted here go to the primary only; those not executed within
  // kRebroadcastAfter go to every replica (so a censoring primary is noticed),
  // and all pending ones go to each new primary after a view change.
  struct Forwarded {
    std::string frame;
    std::chrono::steady_clock::time_point at;
    bool broadcast = false;
  };
  std::mutex forward_mu;
  std::unordered_map<Hash, Forwarded> forwarded;
  std::unique_ptr<asio::steady_timer> forward_timer;
  mutable std::mutex latency_mu;
  std::unordered_map<Hash, std::chrono::steady_clock::time_point> submitted_at;

  // ---------------------------------------------------------------- setup
  Status Open() {
    suite = CryptoSuite::Create(consortium.suite);
    auto key_pem = transport::ReadTextFile(config.signing_key_file);
    if (!key_pem.ok()) return Status::Error("config.signing_key", key_pem.status().ToString());
    auto s = suite->LoadSigner(*key_pem);
    if (!s.ok()) return Status::Error("config.signing_key", s.status().ToString());
    signer = std::move(*s);
    for (const auto& m : consortium.members) {
      auto id = suite->verifier().AddKey(m.signing_key_pem);
      if (!id.ok())
        return Status::Error("config.member_key", m.name + ": " + id.status().ToString());
      member_keys.push_back(*id);
    }
    if (signer->key_id() != member_keys.at(config.member)) {
      return Status::Error("config.signing_key",
                           "the signing key is not the key consortium.toml lists for member " +
                               std::to_string(config.member));
    }
    auto g = LoadGenesis(consortium);
    if (!g.ok()) return g.status();
    genesis = std::move(*g);
    null_digest = consensus::BlockDigest(suite->hasher(), Block{});

    std::filesystem::create_directories(config.data_dir);
    RocksStoreOptions so;
    so.sync = config.sync;
    auto st = RocksStore::Open((std::filesystem::path(config.data_dir) / "ledger").string(), so);
    if (!st.ok()) return st.status();
    store = std::move(*st);

    std::vector<int> roles;
    for (const auto& m : consortium.members) roles.push_back(m.role);
    mempool = std::make_unique<Mempool>(suite->hasher(), suite->verifier(), member_keys, roles,
                                        consortium.chain_id,
                                        MempoolLimits{config.mempool.max_pending_txs, 200000});
    codec.chain_id = consortium.chain_id;
    codec.n = static_cast<uint32_t>(consortium.members.size());
    codec.hasher = &suite->hasher();
    codec.verifier = &suite->verifier();
    codec.member_keys = member_keys;
    vote_signer = std::make_unique<consensus::MemoSigner>(*signer);
    codec.signer = vote_signer.get();
    codec.self = config.member;

    ExecutorHooks hooks;
    hooks.executed = [this](const ExecutedBlock& b) { OnExecuted(b); };
    hooks.need_block = [this](uint64_t h, uint32_t attempt) { RequestBlock(h, attempt); };
    hooks.fatal = [this](const std::string& why) { Halt("execution failed: " + why); };
    executor = std::make_unique<Executor>(*store, suite->hasher(), *mempool, codec, hooks);
    if (Status es = executor->Open(genesis.block, genesis.certificate); !es.ok()) return es;

    consensus::Config cc;
    cc.n = codec.n;
    cc.self = config.member;
    cc.checkpoint_interval = config.consensus.checkpoint_interval;
    cc.window = config.consensus.window;
    cc.max_batch_count = config.consensus.max_block_batches;
    cc.max_batch_bytes = config.consensus.max_block_bytes;
    cc.proposal_delay = config.consensus.proposal_delay_ms;
    cc.max_unexecuted_blocks = config.consensus.max_unexecuted_blocks;
    cc.request_timeout = config.consensus.request_timeout_ms;
    cc.view_change_timeout = config.consensus.view_change_timeout_ms;
    cc.resend_interval = config.consensus.resend_interval_ms;
    auto genesis_rec = store->ReceiptsAt(0);
    pb::ExecutionRecord rec0;
    if (!genesis_rec || !rec0.ParseFromString(*genesis_rec)) {
      return Status::Error("store.corrupt", "no execution record for the genesis block");
    }
    cc.genesis_root = *Hash::FromBytes(rec0.chain_root());
    if (!cc.valid())
      return Status::Error("config.consensus", "consensus settings are inconsistent");

    auto wal = consensus::Wal::Open(
        (std::filesystem::path(config.data_dir) / "consensus.wal").string(), config.sync);
    if (!wal.ok()) return wal.status();
    if ((*wal)->torn_bytes_dropped() > 0) {
      log->warn("consensus WAL: dropped a torn tail of {} bytes left by a crash",
                (*wal)->torn_bytes_dropped());
    }
    workers = std::make_unique<asio::thread_pool>(std::max(1u, config.verify_threads));
    driver = std::make_unique<consensus::Driver>(io, *workers, cc, suite->hasher(), codec,
                                                 std::move(*wal), *this);

    transport::TransportConfig tc;
    tc.self_index = config.member;
    tc.listen_host = config.p2p_listen.host;
    tc.listen_port = config.p2p_listen.port;
    tc.cert_path = config.tls_cert_file;
    tc.key_path = config.tls_key_file;
    tc.ca_pem = consortium.ca_pem;
    tc.crl_path = config.crl_file;
    for (const auto& m : consortium.members) {
      if (m.index == config.member) continue;
      tc.peers.push_back({m.index, m.name, m.p2p.host, m.p2p.port, m.tls_key_id});
    }
    auto t = transport::Transport::Create(io, tc, *this);
    if (!t.ok()) return t.status();
    transport = std::move(*t);

    batcher = std::make_unique<Batcher>(
        io, *signer, suite->hasher(), *store,
        BatcherOptions{consortium.chain_id, config.member, config.mempool.batch_max_txs,
                       config.mempool.batch_delay_ms},
        [this](pb::SignedBatch b) { OnOwnBatch(std::move(b)); });
    return batcher->Open();
  }

  // ---------------------------------------------------------------- flow
  void OnOwnBatch(pb::SignedBatch batch) {
    if (batch_txs != nullptr) batch_txs->Observe(static_cast<double>(batch.transactions_size()));
    auto ref = mempool->Admit(batch);
    if (!ref.ok()) {
      log->warn("own batch refused by the mempool: {}", ref.status().ToString());
      FailBatch(batch, ref.status());
      return;
    }
    pb::PeerMessage m;
    *m.mutable_batch() = std::move(batch);
    Forward(ref->digest, m.SerializeAsString());
    driver->Submit(*ref);
  }

  void Forward(const Hash& digest, std::string frame) {
    const uint32_t primary = static_cast<uint32_t>(view.load() % codec.n);
    if (primary != config.member) transport->Send(primary, frame);
    std::lock_guard lock(forward_mu);
    forwarded.try_emplace(digest,
                          Forwarded{std::move(frame), std::chrono::steady_clock::now(), false});
  }

  void SweepForwarded() {
    constexpr auto kRebroadcastAfter = std::chrono::milliseconds(1000);
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::string> frames;
    {
      std::lock_guard lock(forward_mu);
      // Forget batches that never execute (e.g. refused as already executed).
      std::erase_if(forwarded,
                    [&](const auto& e) { return now - e.second.at > std::chrono::minutes(10); });
      for (auto& [digest, f] : forwarded) {
        if (!f.broadcast && now - f.at >= kRebroadcastAfter) {
          f.broadcast = true;
          frames.push_back(f.frame);
        }
      }
    }
    for (auto& frame : frames) transport->Broadcast(std::move(frame));
    forward_timer->expires_after(std::chrono::milliseconds(250));
    forward_timer->async_wait([this](const boost::system::error_code& ec) {
      if (!ec) SweepForwarded();
    });
  }

  void ResendForwardedTo(uint32_t primary) {
    if (primary == config.member) return;
    std::vector<std::string> frames;
    {
      std::lock_guard lock(forward_mu);
      for (const auto& [digest, f] : forwarded) frames.push_back(f.frame);
    }
    for (auto& frame : frames) transport->Send(primary, std::move(frame));
  }

  void FailBatch(const pb::SignedBatch& batch, const Status& why) {
    std::vector<std::function<void(Result<TxOutcome>)>> fns;
    {
      std::lock_guard lock(waiters_mu);
      for (const auto& t : batch.transactions()) {
        auto it = waiters.find(TxId(suite->hasher(), t));
        if (it == waiters.end()) continue;
        for (auto& f : it->second) fns.push_back(std::move(f));
        waiters.erase(it);
      }
    }
    for (auto& f : fns) f(why);
  }

  void OnExecuted(const ExecutedBlock& b) {
    committed_txs.fetch_add(b.tx_ids.size(), std::memory_order_relaxed);
    {
      std::lock_guard lock(forward_mu);
      for (const Hash& d : b.batch_digests) forwarded.erase(d);
    }
    if (block_txs != nullptr) block_txs->Observe(static_cast<double>(b.tx_ids.size()));
    if (execution_seconds != nullptr) execution_seconds->Observe(b.execute_seconds);
    if (store_write_seconds != nullptr) store_write_seconds->Observe(b.store_seconds);
    std::vector<std::pair<std::function<void(Result<TxOutcome>)>, TxOutcome>> ready;
    {
      std::lock_guard lock(waiters_mu);
      for (size_t i = 0; i < b.tx_ids.size(); ++i) {
        auto it = waiters.find(b.tx_ids[i]);
        if (it == waiters.end()) continue;
        TxOutcome o =
            Outcome(b.tx_ids[i], b.height, i < b.receipts.size() ? &b.receipts[i] : nullptr);
        for (auto& f : it->second) ready.emplace_back(std::move(f), o);
        waiters.erase(it);
      }
    }
    {
      std::lock_guard lock(latency_mu);
      const auto now = std::chrono::steady_clock::now();
      for (const Hash& id : b.tx_ids) {
        auto it = submitted_at.find(id);
        if (it == submitted_at.end()) continue;
        if (commit_latency != nullptr) {
          commit_latency->Observe(std::chrono::duration<double>(now - it->second).count());
        }
        submitted_at.erase(it);
      }
    }
    for (auto& [f, o] : ready) f(std::move(o));
    ReleaseHeightWaiters(b.height);
    if (b.height % 100 == 0)
      log->info("executed height {} ({} transactions)", b.height, b.tx_ids.size());
    driver->Executed(b.height, b.chain_root);
  }

  // Runs the waiters of heights up to `height` (now executed) on the I/O threads,
  // and ends their timers.
  void ReleaseHeightWaiters(uint64_t height) {
    std::vector<HeightWaiter> due;
    {
      std::lock_guard lock(waiters_mu);
      auto end = height_waiters.upper_bound(height);
      for (auto it = height_waiters.begin(); it != end; ++it) due.push_back(std::move(it->second));
      height_waiters.erase(height_waiters.begin(), end);
    }
    for (auto& w : due) {
      asio::post(io, [w = std::move(w)] {
        w.timer->cancel();
        w.then();
      });
    }
  }

  static TxOutcome Outcome(const Hash& id, uint64_t height, const pb::Receipt* r) {
    TxOutcome o;
    o.tx_id = id;
    o.height = height;
    if (r != nullptr) {
      o.accepted = r->accepted();
      o.code = r->code();
      o.events.assign(r->events().begin(), r->events().end());
    }
    return o;
  }

  // The executor misses a committed block's batches: ask the peers in turn.
  void RequestBlock(uint64_t height, uint32_t attempt) {
    const uint32_t n = codec.n;
    Fetch((config.member + 1 + attempt % std::max(1u, n - 1)) % n, height, height);
  }

  // ---------------------------------------------------------------- transport
  void OnFrame(uint32_t from, std::string payload) override {
    auto msg = std::make_shared<pb::PeerMessage>();
    if (from >= codec.n || !msg->ParseFromString(payload)) {
      garbage_frames.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    switch (msg->body_case()) {
      case pb::PeerMessage::kBatch:
        asio::post(*workers, [this, msg] {
          auto ref = mempool->Admit(msg->batch());
          if (ref.ok()) driver->Submit(*ref);
        });
        return;
      case pb::PeerMessage::kFetch:
        asio::post(*workers, [this, from, msg] { ServeFetch(from, msg->fetch()); });
        return;
      case pb::PeerMessage::kBlocks:
        asio::post(*workers, [this, from, msg] { OnBlocks(from, msg->blocks()); });
        return;
      case pb::PeerMessage::BODY_NOT_SET:
        garbage_frames.fetch_add(1, std::memory_order_relaxed);
        return;
      default:
        driver->OnPeerMessage(from, std::move(msg));
    }
  }

  void ServeFetch(uint32_t to, const pb::FetchBlocks& f) {
    const auto tip = store->Tip();
    pb::PeerMessage out;
    auto* blocks = out.mutable_blocks();
    blocks->set_tip(tip.value_or(0));
    size_t bytes = 0;
    const uint64_t last = std::min(f.to(), f.from() + kMaxFetchBlocks - 1);
    for (uint64_t h = std::max<uint64_t>(f.from(), 1); tip && h <= std::min(last, *tip); ++h) {
      auto b = store->BlockAt(h);
      auto c = store->CertificateAt(h);
      if (!b || !c) break;
      bytes += b->size() + c->size();
      auto* cb = blocks->add_blocks();
      cb->set_height(h);
      cb->set_block(std::move(*b));
      cb->set_certificate(std::move(*c));
      if (bytes > kMaxFetchBytes) break;
    }
    transport->Send(to, out.SerializeAsString());
  }

  void OnBlocks(uint32_t from, const pb::Blocks& blocks) {
    for (const auto& cb : blocks.blocks()) {
      pb::Block block;
      pb::CommitCertificate cert;
      if (!block.ParseFromString(cb.block()) || !cert.ParseFromString(cb.certificate())) {
        bad_fetch.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      auto header = CheckBlock(suite->hasher(), consortium.chain_id, block);
      if (!header.ok() || header->height() != cb.height() || cert.height() != cb.height()) {
        bad_fetch.fetch_add(1, std::memory_order_relaxed);
        log->warn("peer {} sent an invalid block {}: {}", from, cb.height(),
                  header.ok() ? "height mismatch" : header.status().ToString());
        return;
      }
      const bool null_block = block.batches_size() == 0 && cert.block_id() == null_digest.view();
      auto core_cert = consensus::FromLedgerCert(codec, cert);
      uint64_t voters = 0;  // distinct members (n <= 64)
      if (core_cert.ok()) {
        for (const auto& v : core_cert->commits) voters |= uint64_t{1} << v.sender;
      }
      if (!core_cert.ok() ||
          static_cast<uint32_t>(std::popcount(voters)) < consensus::Quorum(codec.n)) {
        bad_fetch.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      Block core_block;
      if (!null_block) {
        auto cbk = consensus::CoreBlockOf(suite->hasher(), block);
        if (!cbk.ok() || consensus::BlockDigest(suite->hasher(), *cbk) != core_cert->digest) {
          bad_fetch.fetch_add(1, std::memory_order_relaxed);
          log->warn("peer {} sent block {} that its certificate does not cover", from, cb.height());
          return;
        }
        core_block = std::move(*cbk);
      }
      fetched_blocks.fetch_add(1, std::memory_order_relaxed);
      executor->Provide(cb.height(), block);
      driver->Fetched(cb.height(), std::move(core_block), std::move(*core_cert));
    }
  }

  // ---------------------------------------------------------------- DriverEnv
  void SendFrame(ReplicaId to, std::string frame) override {
    transport->Send(to, std::move(frame));
  }
  void BroadcastFrame(std::string frame) override { transport->Broadcast(std::move(frame)); }

  std::vector<pb::SignedBatch> BatchesOf(const Block& block) override {
    std::vector<pb::SignedBatch> out;
    for (const auto& r : block.requests) {
      if (auto b = mempool->Get(r.digest)) out.push_back(std::move(*b));
    }
    return out;
  }

  Status AdmitProposal(const consensus::PrePrepare& pp, const pb::PrePrepareMsg& wire) override {
    for (const auto& b : wire.batches()) {
      auto ref = mempool->Admit(b);
      if (!ref.ok() && ref.status().code() != "mempool.duplicate") return ref.status();
    }
    uint64_t txs = 0;
    for (const auto& r : pp.block.requests) {
      const uint32_t n = mempool->TxCount(r.digest);
      if (n == 0)
        return Status::Error("proposal.missing_batch", "a proposed batch is unknown here");
      txs += n;
    }
    if (pp.block.header.empty()) {
      if (!pp.block.requests.empty())
        return Status::Error("proposal.no_header", "requests without a header");
      return Status::Ok();
    }
    pb::BlockHeader h;
    if (!h.ParseFromString(pp.block.header))
      return Status::Error("proposal.bad_header", "header does not parse");
    if (h.chain_id() != consortium.chain_id || h.height() != pp.seq || h.view() != pp.view ||
        h.proposer() != pp.sender || h.tx_count() != txs || h.anchor_height() >= h.height()) {
      return Status::Error("proposal.bad_header", "header fields do not match the proposal");
    }
    const uint64_t now = LedgerTimeMs(config.clock, NowMs());
    const uint64_t skew = MaxSkewMs(config.clock, kMaxClockSkewMs);
    if (h.timestamp_ms() > now + skew || h.timestamp_ms() + skew < now) {
      return Status::Error("proposal.bad_time", "proposal time is too far from this node's clock");
    }
    // Check the anchor against our own ledger when we have executed that far.
    if (store->Tip() && h.anchor_height() <= *store->Tip()) {
      auto rec_bytes = store->ReceiptsAt(h.anchor_height());
      pb::ExecutionRecord rec;
      if (rec_bytes && rec.ParseFromString(*rec_bytes) &&
          (rec.block_id() != h.prev_hash() || rec.chain_root() != h.result_root())) {
        return Status::Error("proposal.bad_anchor", "header anchor disagrees with this ledger");
      }
    }
    return Status::Ok();
  }

  void Execute(const consensus::act::Execute& e) override { executor->Enqueue(e); }

  void Fetch(ReplicaId peer, consensus::Seq from, consensus::Seq to) override {
    pb::PeerMessage m;
    m.mutable_fetch()->set_from(from);
    m.mutable_fetch()->set_to(to);
    fetch_requests.fetch_add(1, std::memory_order_relaxed);
    transport->Send(peer, m.SerializeAsString());
  }

  void Evidence(const consensus::act::Evidence& e) override {
    evidence.fetch_add(1, std::memory_order_relaxed);
    log->warn("evidence of misbehaviour: member {} kind {} view {} seq {}", e.culprit,
              static_cast<int>(e.kind), e.view, e.seq);
  }

  void Halt(const std::string& reason) override;

  void ViewChanged(consensus::View v, bool in_view_change) override {
    view = v;
    view_changing = in_view_change;
    if (!in_view_change) ResendForwardedTo(static_cast<uint32_t>(v % codec.n));
    log->info("view {} ({}), primary is member {}", v, in_view_change ? "changing" : "active",
              v % codec.n);
  }

  // ---------------------------------------------------------------- HeaderSource
  Bytes HeaderFor(consensus::View v, consensus::Seq seq,
                  std::span<const consensus::RequestRef> requests) override {
    const Executor::Tip tip = executor->Last();
    pb::BlockHeader h;
    h.set_chain_id(consortium.chain_id);
    h.set_height(seq);
    h.set_prev_hash(tip.block_id.ToBytes());
    std::vector<Hash> leaves;
    uint64_t txs = 0;
    for (const auto& r : requests) {
      leaves.push_back(r.digest);
      txs += mempool->TxCount(r.digest);
    }
    h.set_batch_root(MerkleRoot(suite->hasher(), leaves).ToBytes());
    h.set_result_root(tip.chain_root.ToBytes());
    uint64_t ts = std::max(
        {LedgerTimeMs(config.clock, NowMs()), tip.effective_time_ms, last_proposed_ms.load()});
    last_proposed_ms = ts;
    h.set_timestamp_ms(ts);
    h.set_view(v);
    h.set_proposer(config.member);
    h.set_batch_count(static_cast<uint32_t>(requests.size()));
    h.set_tx_count(static_cast<uint32_t>(txs));
    h.set_anchor_height(tip.height);
    return h.SerializeAsString();
  }
};

void Node::Impl::Halt(const std::string& reason) {
  {
    std::lock_guard lock(state_mu);
    if (halted) return;
    halted = true;
    halt_reason = reason;
    exit_code = 3;
  }
  log->critical("HALT: {}", reason);
  state_cv.notify_all();
}

// ------------------------------------------------------------------ Node

Node::Node(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Node::~Node() {
  Stop();
  Impl& d = *impl_;
  if (d.executor) d.executor->Stop();
  if (d.workers) d.workers->join();
}

Result<std::unique_ptr<Node>> Node::Create(NodeConfig config, Consortium consortium) {
  auto impl = std::make_unique<Impl>();
  impl->config = std::move(config);
  impl->consortium = std::move(consortium);
  const auto& member = impl->consortium.members.at(impl->config.member);
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (!impl->config.log_dir.empty()) {
    std::filesystem::create_directories(impl->config.log_dir);
    sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(
        (std::filesystem::path(impl->config.log_dir) / "fapiaod.log").string()));
  }
  impl->log = std::make_shared<spdlog::logger>(member.name, sinks.begin(), sinks.end());
  impl->log->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
  impl->log->set_level(spdlog::level::from_str(impl->config.log_level));
  impl->log->flush_on(spdlog::level::info);
  if (impl->config.clock.warped()) {
    impl->log->warn("ledger clock warped for benchmarks: {} ms of ledger time per ms, from {} ms",
                    impl->config.clock.rate, impl->config.clock.origin_ms);
  }
  if (Status s = impl->Open(); !s.ok()) {
    impl->log->error("cannot start: {}", s.ToString());
    return s;
  }
  return std::unique_ptr<Node>(new Node(std::move(impl)));
}

Status Node::Start(unsigned io_threads) {
  Impl& d = *impl_;
  d.work = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
      d.io.get_executor());
  d.driver->SetHeaderSource(&d);
  d.executor->Start();
  const Executor::Tip tip = d.executor->Last();
  d.driver->Start(tip.height, tip.chain_root, d.executor->ExecutedRequests());
  d.transport->Start();
  d.forward_timer = std::make_unique<asio::steady_timer>(d.io);
  d.SweepForwarded();
  for (unsigned i = 0; i < std::max(1u, io_threads); ++i) {
    d.io_threads.emplace_back([&d] { d.io.run(); });
  }
  d.log->info("member {} ({}) started: chain {} suite {} height {} peers on {} api on {}",
              d.config.member, d.consortium.members[d.config.member].name, d.consortium.chain_id,
              SuiteName(d.consortium.suite), tip.height, d.config.p2p_listen.ToString(),
              d.config.api_listen.ToString());
  return Status::Ok();
}

int Node::Wait() {
  Impl& d = *impl_;
  std::unique_lock lock(d.state_mu);
  d.state_cv.wait(lock, [&] { return d.stopping || d.halted; });
  return d.exit_code;
}

void Node::RequestStop() {
  Impl& d = *impl_;
  {
    std::lock_guard lock(d.state_mu);
    d.stopping = true;
  }
  d.state_cv.notify_all();
}

void Node::Stop() {
  Impl& d = *impl_;
  {
    std::lock_guard lock(d.state_mu);
    d.stopping = true;
    if (d.torn_down) return;
    d.torn_down = true;
  }
  d.state_cv.notify_all();
  if (d.forward_timer) d.forward_timer->cancel();
  if (d.driver) d.driver->Stop();
  if (d.transport) d.transport->Stop();
  d.work.reset();
  d.io.stop();
  for (auto& t : d.io_threads) {
    if (t.joinable()) t.join();
  }
  d.io_threads.clear();
  std::vector<std::function<void(Result<TxOutcome>)>> fns;
  {
    std::lock_guard lock(d.waiters_mu);
    for (auto& [id, list] : d.waiters) {
      for (auto& f : list) fns.push_back(std::move(f));
    }
    d.waiters.clear();
  }
  for (auto& f : fns) f(Status::Error("node.stopping", "the node is shutting down"));
  std::multimap<uint64_t, Impl::HeightWaiter> heights;
  {
    std::lock_guard lock(d.waiters_mu);
    heights.swap(d.height_waiters);
  }
  for (auto& [h, w] : heights) w.then();
}

void Node::ReloadRevocations() {
  Impl& d = *impl_;
  if (Status s = d.transport->ReloadRevocations(); !s.ok()) {
    d.log->error("revocation list not reloaded: {}", s.ToString());
  } else {
    d.log->info("revocation list reloaded");
  }
}

Result<Hash> Node::Submit(uint32_t kind, Bytes payload, std::function<void(Result<TxOutcome>)> done,
                          const TxExtras& extras) {
  std::vector<TxSubmission> one;
  one.push_back(TxSubmission{kind, std::move(payload), extras, std::move(done)});
  auto ids = SubmitAll(std::move(one));
  if (!ids.ok()) return ids.status();
  return ids->front();
}

Result<std::vector<Hash>> Node::SubmitAll(std::vector<TxSubmission> txs) {
  Impl& d = *impl_;
  {
    std::lock_guard lock(d.state_mu);
    if (d.halted) return Status::Error("node.halted", "the node halted: " + d.halt_reason);
  }
  for (const auto& t : txs) {
    if (!contracts::KindAllowedForRole(t.kind, d.consortium.members[d.config.member].role)) {
      return Status::Error("mempool.role", "this node's member may not send transactions of kind " +
                                               std::to_string(t.kind));
    }
  }
  if (d.mempool->Full()) {
    return Status::Error("mempool.full",
                         "the node is at its pending-transaction limit; retry later");
  }
  std::vector<Batcher::Tx> batch;
  std::vector<std::function<void(Result<TxOutcome>)>> dones;
  for (auto& t : txs) {
    batch.push_back(Batcher::Tx{t.kind, std::move(t.payload), std::move(t.extras)});
    dones.push_back(std::move(t.done));
  }
  auto subs = d.batcher->AddAll(std::move(batch));
  if (!subs.ok()) return subs.status();
  std::vector<Hash> ids;
  {
    std::lock_guard lock(d.latency_mu);
    const auto now = std::chrono::steady_clock::now();
    for (const auto& sub : *subs) {
      d.submitted_at[sub.tx_id] = now;
      ids.push_back(sub.tx_id);
    }
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    if (dones[i]) AwaitExecution(ids[i], std::move(dones[i]));
  }
  return ids;
}

Result<std::vector<Hash>> Node::SubmitBatch(const pb::SignedBatch& batch,
                                            std::function<void(Result<TxOutcome>)> done) {
  Impl& d = *impl_;
  auto ref = d.mempool->Admit(batch);
  if (!ref.ok()) return ref.status();
  std::vector<Hash> ids;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(d.latency_mu);
    for (const auto& t : batch.transactions()) ids.push_back(TxId(d.suite->hasher(), t));
    // A batch executes in one block: its first transaction times the whole batch.
    if (!ids.empty()) d.submitted_at.emplace(ids.front(), now);
  }
  if (done && !ids.empty()) AwaitExecution(ids[0], std::move(done));
  pb::PeerMessage m;
  *m.mutable_batch() = batch;
  d.Forward(ref->digest, m.SerializeAsString());
  d.driver->Submit(*ref);
  return ids;
}

void Node::AwaitHeight(uint64_t height, std::chrono::milliseconds timeout,
                       std::function<void()> then) {
  Impl& d = *impl_;
  const bool stopping = [&] {
    std::lock_guard state(d.state_mu);
    return d.stopping;
  }();
  // Under the waiters' lock, as AwaitExecution: a block executed after this check
  // releases the waiter registered below.
  std::unique_lock lock(d.waiters_mu);
  if (stopping || d.store->Tip().value_or(0) >= height ||
      d.height_waiters.size() >= kMaxHeightWaiters) {
    lock.unlock();
    return then();
  }
  // The wait starts before the waiter is visible to ReleaseHeightWaiters (both under
  // the lock), so the timer is never cancelled while async_wait is still being set up.
  auto timer = std::make_shared<asio::steady_timer>(d.io, timeout);
  const uint64_t id = ++d.next_height_waiter;
  timer->async_wait([&d, height, id](const boost::system::error_code& ec) {
    if (ec) return;  // released by the execution of `height`
    std::function<void()> fn;
    {
      std::lock_guard held(d.waiters_mu);
      auto [first, last] = d.height_waiters.equal_range(height);
      for (auto it = first; it != last; ++it) {
        if (it->second.id != id) continue;
        fn = std::move(it->second.then);
        d.height_waiters.erase(it);
        break;
      }
    }
    if (fn) fn();
  });
  d.height_waiters.emplace(height, Impl::HeightWaiter{id, std::move(then), std::move(timer)});
}

void Node::AwaitExecution(const Hash& tx_id, std::function<void(Result<TxOutcome>)> done) {
  Impl& d = *impl_;
  {
    // Under the waiters' lock, so an execution cannot slip between the check and the wait.
    std::lock_guard lock(d.waiters_mu);
    if (!d.store->FindTx(tx_id)) {
      d.waiters[tx_id].push_back(std::move(done));
      return;
    }
  }
  if (auto o = Lookup(tx_id)) done(*o);
}

std::optional<TxOutcome> Node::Lookup(const Hash& tx_id) const {
  const Impl& d = *impl_;
  auto loc = d.store->FindTx(tx_id);
  if (!loc) return std::nullopt;
  auto rec_bytes = d.store->ReceiptsAt(loc->height);
  pb::ExecutionRecord rec;
  const pb::Receipt* receipt = nullptr;
  if (rec_bytes && rec.ParseFromString(*rec_bytes)) {
    // Receipts are in block order: count the transactions of earlier batches.
    auto block_bytes = d.store->BlockAt(loc->height);
    pb::Block block;
    if (block_bytes && block.ParseFromString(*block_bytes)) {
      size_t index = loc->index;
      for (uint32_t b = 0; b < loc->batch && b < static_cast<uint32_t>(block.batches_size()); ++b) {
        index += static_cast<size_t>(block.batches(static_cast<int>(b)).transactions_size());
      }
      if (index < static_cast<size_t>(rec.receipts_size()))
        receipt = &rec.receipts(static_cast<int>(index));
    }
  }
  return Impl::Outcome(tx_id, loc->height, receipt);
}

NodeStatus Node::Snapshot() const {
  const Impl& d = *impl_;
  NodeStatus s;
  s.member = d.config.member;
  s.name = d.consortium.members[d.config.member].name;
  s.chain_id = d.consortium.chain_id;
  s.suite = std::string(SuiteName(d.consortium.suite));
  const Executor::Tip tip = d.executor->Last();
  s.height = tip.height;
  s.tip_id = tip.block_id.ToHex();
  s.tip_time_ms = tip.effective_time_ms;
  s.view = d.view.load();
  s.view_changing = d.view_changing.load();
  {
    std::lock_guard lock(const_cast<std::mutex&>(d.state_mu));
    s.halted = d.halted;
    s.halt_reason = d.halt_reason;
  }
  s.mempool_txs = d.mempool->tx_count();
  const auto ts = d.transport->Stats();
  s.peers_total = static_cast<uint32_t>(ts.peers.size());
  for (const auto& p : ts.peers) s.peers_connected += p.outbound_up ? 1 : 0;
  return s;
}

const Consortium& Node::consortium() const {
  return impl_->consortium;
}
const NodeConfig& Node::config() const {
  return impl_->config;
}
const BlockStore& Node::store() const {
  return *impl_->store;
}
const Hasher& Node::hasher() const {
  return impl_->suite->hasher();
}

void Node::RegisterMetrics(api::MetricsRegistry& m) {
  Impl& d = *impl_;
  using api::MetricType;
  auto gauge = [&m](const char* name, const char* help, std::function<double()> f) {
    m.AddCallback(name, help, MetricType::kGauge, {}, std::move(f));
  };
  auto counter = [&m](const char* name, const char* help, std::function<double()> f) {
    m.AddCallback(name, help, MetricType::kCounter, {}, std::move(f));
  };
  auto u = [](const std::atomic<uint64_t>& a) {
    return [&a] { return static_cast<double>(a.load()); };
  };
  const auto& ds = d.driver->stats();
  gauge("fapiao_height", "Height of the last executed block.",
        [&d] { return static_cast<double>(d.executor->Last().height); });
  gauge("fapiao_view", "Current consensus view.", u(d.view));
  gauge("fapiao_view_changing", "1 while a view change is in progress.",
        [&d] { return d.view_changing.load() ? 1.0 : 0.0; });
  gauge("fapiao_halted", "1 if the node halted (the log says why).", [&d] {
    std::lock_guard lock(d.state_mu);
    return d.halted ? 1.0 : 0.0;
  });
  counter("fapiao_committed_transactions_total", "Transactions executed by this node.",
          u(d.committed_txs));
  gauge("fapiao_mempool_transactions", "Transactions waiting to be ordered.",
        [&d] { return static_cast<double>(d.mempool->tx_count()); });
  gauge("fapiao_mempool_batches", "Batches waiting to be ordered.",
        [&d] { return static_cast<double>(d.mempool->batch_count()); });
  counter("fapiao_mempool_rejected_total", "Batches refused (invalid, duplicate or pool full).",
          [&d] { return static_cast<double>(d.mempool->rejected()); });
  gauge("fapiao_execution_queue", "Committed blocks waiting for execution.",
        [&d] { return static_cast<double>(d.executor->queued()); });
  gauge("fapiao_execution_last_seconds", "Time to execute and store the last block.",
        [&d] { return d.executor->last_execute_ms() / 1000.0; });
  counter("fapiao_store_write_stall_seconds_total",
          "Time writers waited because RocksDB slowed or stopped writes (flush/compaction behind).",
          [&d] { return d.store->WriteStalls().stalled_seconds; });
  gauge("fapiao_store_write_stopped", "1 while RocksDB stops all writes.",
        [&d] { return d.store->WriteStalls().stopped ? 1.0 : 0.0; });
  gauge("fapiao_store_delayed_write_rate_bytes",
        "Bytes/s RocksDB allows while it slows writes; 0 when not slowed.",
        [&d] { return static_cast<double>(d.store->WriteStalls().delayed_write_rate); });
  counter("fapiao_consensus_messages_in_total", "Consensus messages received.", u(ds.messages_in));
  counter("fapiao_consensus_messages_dropped_total",
          "Consensus messages dropped: malformed, badly signed or refused proposals.",
          u(ds.messages_dropped));
  counter("fapiao_consensus_votes_unneeded_total",
          "Votes that arrived after their quorum, dropped without checking their signature.",
          u(ds.votes_unneeded));
  counter("fapiao_consensus_messages_out_total", "Consensus messages sent.", u(ds.messages_out));
  gauge("fapiao_verification_queue", "Peer messages waiting for signature verification.",
        u(ds.verify_queue));
  gauge("fapiao_consensus_wal_bytes", "Size of the consensus write-ahead log.", u(ds.wal_bytes));
  counter("fapiao_consensus_wal_appends_total", "Synced appends to the consensus WAL.",
          u(ds.wal_appends));
  counter("fapiao_view_changes_total", "Views entered since start.", u(ds.view_changes));
  counter("fapiao_evidence_total", "Misbehaviour reports against peers.", u(d.evidence));
  counter("fapiao_fetch_requests_total", "Catch-up block requests sent.", u(d.fetch_requests));
  counter("fapiao_fetched_blocks_total", "Blocks obtained by catch-up.", u(d.fetched_blocks));
  counter("fapiao_fetch_rejected_total", "Catch-up answers refused as invalid.", u(d.bad_fetch));
  counter("fapiao_p2p_garbage_frames_total", "Peer frames that did not parse.",
          u(d.garbage_frames));
  counter("fapiao_p2p_refused_handshakes_total", "Peers refused at the TLS handshake.",
          [&d] { return static_cast<double>(d.transport->Stats().refused_handshakes); });
  counter("fapiao_p2p_garbage_disconnects_total", "Peer links closed for bad input.",
          [&d] { return static_cast<double>(d.transport->Stats().garbage_disconnects); });
  for (const auto& member : d.consortium.members) {
    if (member.index == d.config.member) continue;
    const uint32_t peer = member.index;
    const api::Labels labels{{"peer", std::to_string(peer)}};
    auto peer_stat = [&d, peer](auto field) {
      return [&d, peer, field] {
        for (const auto& p : d.transport->Stats().peers) {
          if (p.index == peer) return static_cast<double>(field(p));
        }
        return 0.0;
      };
    };
    m.AddCallback("fapiao_p2p_bytes_sent_total", "Bytes sent to each peer.", MetricType::kCounter,
                  labels, peer_stat([](const transport::PeerStats& p) { return p.bytes_sent; }));
    m.AddCallback("fapiao_p2p_bytes_received_total", "Bytes received from each peer.",
                  MetricType::kCounter, labels,
                  peer_stat([](const transport::PeerStats& p) { return p.bytes_received; }));
    m.AddCallback("fapiao_p2p_dropped_frames_total",
                  "Frames dropped on a full send queue, per peer.", MetricType::kCounter, labels,
                  peer_stat([](const transport::PeerStats& p) { return p.frames_dropped; }));
    m.AddCallback("fapiao_p2p_peer_up", "1 when the outbound link to the peer is up.",
                  MetricType::kGauge, labels,
                  peer_stat([](const transport::PeerStats& p) { return p.outbound_up ? 1 : 0; }));
  }
  d.commit_latency = &m.AddHistogram(
      "fapiao_commit_latency_seconds",
      "From submission at this node to execution here, per submitted transaction or batch.",
      api::LatencyBuckets());
  d.block_txs = &m.AddHistogram("fapiao_block_transactions", "Transactions per executed block.",
                                {1, 10, 100, 500, 1000, 2000, 5000, 10000, 20000, 50000});
  d.batch_txs = &m.AddHistogram("fapiao_batch_transactions",
                                "Transactions per member-signed batch this node forms.",
                                {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000});
  d.execution_seconds =
      &m.AddHistogram("fapiao_execution_seconds",
                      "Time to execute and store one block (contracts and the synced write).",
                      api::LatencyBuckets());
  d.store_write_seconds = &m.AddHistogram("fapiao_store_write_seconds",
                                          "Time of one block's atomic store write, fsync included.",
                                          api::LatencyBuckets());
}

}  // namespace fapiao::node
