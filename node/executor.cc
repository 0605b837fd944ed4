#include "node/executor.h"

#include <array>
#include <chrono>
#include <unordered_set>

#include "contracts/codes.h"
#include "contracts/executor.h"
#include "ledger/core/block.h"
#include "ledger/core/merkle.h"

namespace fapiao::node {

namespace {

constexpr std::string_view kChainDomain{"fapiao/chain/v1\0", 16};
constexpr char kExecutedPrefix[] = "node/x/";

Bytes ExecutedKey(uint32_t member, uint64_t batch_seq) {
  Bytes k = kExecutedPrefix;
  AppendU32(k, member);
  AppendU64(k, batch_seq);
  return k;
}

}  // namespace

Hash Executor::ChainRoot(const Hasher& hasher, const Hash& prev, const Hash& block_id,
                         const Hash& result_root) {
  const std::array<ByteView, 4> parts{kChainDomain, prev.view(), block_id.view(),
                                      result_root.view()};
  return hasher.DigestParts(parts);
}

Executor::Executor(BlockStore& store, const Hasher& hasher, Mempool& mempool,
                   const consensus::CodecContext& codec, ExecutorHooks hooks)
    : store_(store), hasher_(hasher), mempool_(mempool), codec_(codec), hooks_(std::move(hooks)) {}

Executor::~Executor() {
  Stop();
}

Status Executor::Open(const pb::Block& genesis, const pb::CommitCertificate& genesis_cert) {
  if (!store_.Tip()) {
    pb::BlockHeader header;
    if (!header.ParseFromString(genesis.header())) {
      return Status::Error("genesis.invalid", "genesis header does not parse");
    }
    if (Status s = Apply(0, genesis, genesis_cert.SerializeAsString(), header.timestamp_ms(), true);
        !s.ok()) {
      return s;
    }
  }
  // Load the tip and the executed-request index.
  const uint64_t tip = *store_.Tip();
  auto rec_bytes = store_.ReceiptsAt(tip);
  pb::ExecutionRecord rec;
  if (!rec_bytes || !rec.ParseFromString(*rec_bytes)) {
    return Status::Error("store.corrupt", "no execution record at the tip " + std::to_string(tip));
  }
  std::lock_guard lock(mu_);
  tip_.height = tip;
  tip_.block_id = *Hash::FromBytes(rec.block_id());
  tip_.chain_root = *Hash::FromBytes(rec.chain_root());
  tip_.result_root = *Hash::FromBytes(rec.result_root());
  tip_.effective_time_ms = rec.effective_time_ms();
  store_.ScanPrefix(Column::kIndex, kExecutedPrefix, [&](ByteView key, ByteView) {
    key.remove_prefix(sizeof(kExecutedPrefix) - 1);
    if (key.size() == 12) executed_.Mark({ReadU32(key), ReadU64(key.substr(4))});
    return true;
  });
  return Status::Ok();
}

void Executor::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Executor::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Executor::Enqueue(consensus::act::Execute e) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(e));
  }
  cv_.notify_all();
}

void Executor::Provide(uint64_t height, pb::Block block) {
  {
    std::lock_guard lock(mu_);
    if (height <= tip_.height) return;
    provided_.emplace(height, std::move(block));
  }
  cv_.notify_all();
}

Executor::Tip Executor::Last() const {
  std::lock_guard lock(mu_);
  return tip_;
}

consensus::ExecutedSet Executor::ExecutedRequests() const {
  std::lock_guard lock(mu_);
  return executed_;
}

uint64_t Executor::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void Executor::Loop() {
  uint32_t attempt = 0;
  for (;;) {
    consensus::act::Execute e;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      e = queue_.front();
    }
    if (ExecuteOne(e)) {
      attempt = 0;
      std::lock_guard lock(mu_);
      queue_.pop_front();
      continue;
    }
    // Batches missing: ask peers for the committed block and wait for it.
    if (hooks_.need_block) hooks_.need_block(e.seq, attempt++);
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(std::min<uint32_t>(100 * (attempt + 1), 2000)),
                 [&] { return stop_ || provided_.count(e.seq) != 0; });
    if (stop_) return;
  }
}

std::optional<pb::Block> Executor::Assemble(const consensus::act::Execute& e) {
  {
    std::lock_guard lock(mu_);
    auto it = provided_.find(e.seq);
    if (it != provided_.end()) {
      pb::Block b = std::move(it->second);
      provided_.erase(provided_.begin(), std::next(it));
      // Only the block the consortium committed: a fetched copy must be named by
      // the committed digest (a null block has neither header digest nor batches).
      const bool matches = e.block.header.empty() ? b.batches_size() == 0
                                                  : BlockId(hasher_, b.header()) == e.cert.digest;
      if (matches) return b;
    }
  }
  pb::Block block;
  if (e.block.header.empty()) {
    // A null block (view-change gap): a header every replica derives alike.
    const Tip t = Last();
    BlockFields f;
    f.chain_id = codec_.chain_id;
    f.height = e.seq;
    f.prev_hash = t.block_id;
    f.result_root = t.chain_root;
    f.timestamp_ms = t.effective_time_ms;
    f.view = e.cert.view;
    f.proposer = static_cast<uint32_t>(e.cert.view % codec_.n);
    f.anchor_height = t.height;
    return MakeBlock(hasher_, f, {});
  }
  block.set_header(e.block.header);
  for (const auto& r : e.block.requests) {
    auto b = mempool_.Get(r.digest);
    if (!b) return std::nullopt;
    *block.add_batches() = std::move(*b);
  }
  return block;
}

bool Executor::ExecuteOne(const consensus::act::Execute& e) {
  {
    std::lock_guard lock(mu_);
    if (e.seq <= tip_.height) return true;  // already executed (restart replay)
  }
  auto block = Assemble(e);
  if (!block) return false;
  pb::BlockHeader header;
  if (!header.ParseFromString(block->header())) {
    if (hooks_.fatal) hooks_.fatal("committed block " + std::to_string(e.seq) + " has no header");
    return true;
  }
  const pb::CommitCertificate cert = consensus::ToLedgerCert(codec_, e.cert);
  if (Status s = Apply(e.seq, *block, cert.SerializeAsString(), header.timestamp_ms(), false);
      !s.ok()) {
    if (hooks_.fatal) hooks_.fatal(s.ToString());
  }
  return true;
}

Status Executor::Apply(uint64_t height, const pb::Block& block, const Bytes& cert_bytes,
                       uint64_t header_time, bool genesis) {
  const auto started = std::chrono::steady_clock::now();
  const Tip prev = genesis ? Tip{} : Last();
  const uint64_t effective = std::max(header_time, prev.effective_time_ms);
  const Hash block_id = BlockId(hasher_, block.header());

  std::vector<pb::Transaction> txs;
  BlockAppend a;
  a.height = height;
  a.block_id = block_id;
  std::vector<Hash> digests;
  for (int b = 0; b < block.batches_size(); ++b) {
    const auto& batch = block.batches(b);
    digests.push_back(MerkleLeafHash(hasher_, BatchLeafData(batch)));
    pb::BatchHeader bh;
    if (bh.ParseFromString(batch.header())) {
      a.writes.Put(Column::kIndex, ExecutedKey(bh.member(), bh.batch_sequence()), "");
    }
    for (int t = 0; t < batch.transactions_size(); ++t) {
      pb::Transaction tx;
      tx.ParseFromString(batch.transactions(t));  // verified at admission or by the certificate
      txs.push_back(std::move(tx));
      a.txs.push_back({TxId(hasher_, batch.transactions(t)),
                       TxLocation{height, static_cast<uint32_t>(b), static_cast<uint32_t>(t)}});
    }
  }
  std::vector<Hash> tx_ids;
  tx_ids.reserve(a.txs.size());
  for (const auto& [id, loc] : a.txs) tx_ids.push_back(id);
  contracts::BlockContext ctx{Height{height}, effective, &hasher_, tx_ids};
  contracts::BlockResult result = contracts::ExecuteBlock(store_, txs, ctx);
  result.writes.Merge(a.writes);  // the few executed-request markers into the large set
  a.writes = std::move(result.writes);
  ExecutedBlock done;
  done.tx_ids = tx_ids;
  // A transaction already committed (the same bytes proposed again, e.g. a batch
  // re-forwarded after a view change) keeps its first location and receipt. Only
  // transactions the contracts refused as duplicates can be such repeats.
  std::unordered_set<Hash> seen;
  size_t position = 0;
  std::erase_if(a.txs, [&](const std::pair<Hash, TxLocation>& t) {
    const pb::Receipt* r = position < result.receipts.size() ? &result.receipts[position] : nullptr;
    ++position;
    if (!seen.insert(t.first).second) return true;
    return r != nullptr && !r->accepted() && r->code() == contracts::code::kDuplicate &&
           store_.FindTx(t.first).has_value();
  });

  pb::ExecutionRecord rec;
  const Hash chain_root = ChainRoot(hasher_, prev.chain_root, block_id, result.result_root);
  rec.set_result_root(result.result_root.ToBytes());
  rec.set_chain_root(chain_root.ToBytes());
  rec.set_effective_time_ms(effective);
  rec.set_block_id(block_id.ToBytes());
  for (const auto& r : result.receipts) *rec.add_receipts() = r;
  a.block_bytes = block.SerializeAsString();
  a.certificate = cert_bytes;
  a.receipts = rec.SerializeAsString();
  const auto store_started = std::chrono::steady_clock::now();
  if (Status s = store_.Append(a); !s.ok()) return s;
  done.store_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - store_started).count();

  done.height = height;
  done.block_id = block_id;
  done.chain_root = chain_root;
  done.effective_time_ms = effective;
  done.receipts.assign(result.receipts.begin(), result.receipts.end());
  done.batch_digests = digests;
  {
    std::lock_guard lock(mu_);
    tip_ = Tip{height, block_id, chain_root, result.result_root, effective};
    for (const auto& batch : block.batches()) {
      pb::BatchHeader bh;
      if (bh.ParseFromString(batch.header())) executed_.Mark({bh.member(), bh.batch_sequence()});
    }
  }
  mempool_.Remove(digests);
  done.execute_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  last_execute_ms_.store(done.execute_seconds * 1000.0);
  if (!genesis && hooks_.executed) hooks_.executed(done);
  return Status::Ok();
}

}  // namespace fapiao::node
