// fapiao-contracts-bench: the cost of contract execution per blue invoice
// issuance, including its store writes (invoice, payment, counters, quota use,
// five indexes, two day aggregates). Each measured block holds N issuances
// (their payments and requests were committed in the block before, unmeasured);
// time = ExecuteBlock + committing its WriteSet and receipts to the backend.
// Backends: MemState, and RocksStore (one atomic Append per block, fsync on/off).
// Usage: fapiao-contracts-bench [--blocks B] [--per-block N] [--dir DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>
#include "bench/machine.h"

#include "contracts/executor.h"
#include "contracts/kinds.h"
#include "contracts/taxpayer_id.h"
#include "ledger/core/crypto.h"
#include "ledger/store/rocks_store.h"

using namespace fapiao;
using namespace fapiao::contracts;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kChain = "bench";
constexpr uint64_t kStartMs = 1795140000000ULL;

using bench::CpuModel;

// Where executed blocks go: the seam that lets any StateView-backed store plug in.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual const StateView& view() const = 0;
  virtual bool Commit(uint64_t height, const BlockResult& r, const Hasher& h) = 0;
  virtual const char* name() const = 0;
};

class MemBackend final : public Backend {
 public:
  const StateView& view() const override { return state_; }
  bool Commit(uint64_t, const BlockResult& r, const Hasher&) override {
    state_.Apply(r.writes);
    return true;
  }
  const char* name() const override { return "MemState"; }

 private:
  MemState state_;
};

class RocksBackend final : public Backend {
 public:
  RocksBackend(std::unique_ptr<RocksStore> s, const char* name)
      : store_(std::move(s)), name_(name) {}
  const StateView& view() const override { return *store_; }
  bool Commit(uint64_t height, const BlockResult& r, const Hasher& h) override {
    BlockAppend a;
    a.height = height;
    a.block_id = h.Digest("bench-block-" + std::to_string(height));
    a.block_bytes = "bench-block-" + std::to_string(height);
    for (const auto& rc : r.receipts) AppendLengthPrefixed(a.receipts, rc.SerializeAsString());
    a.writes = r.writes;
    Status s = store_->Append(a);
    if (!s.ok()) std::fprintf(stderr, "append: %s\n", s.ToString().c_str());
    return s.ok();
  }
  const char* name() const override { return name_; }

 private:
  std::unique_ptr<RocksStore> store_;
  const char* name_;
};

struct Builder {
  std::map<uint32_t, uint64_t> seq;
  pb::Transaction Tx(uint32_t member, TxKind kind, const google::protobuf::MessageLite& m) {
    pb::Transaction tx;
    tx.set_chain_id(kChain);
    tx.set_kind(static_cast<uint32_t>(kind));
    tx.set_payload(m.SerializeAsString());
    tx.set_member(member);
    tx.set_sequence(++seq[member]);
    return tx;
  }
};

pb::Genesis MakeGenesis() {
  pb::Genesis g;
  g.mutable_config()->set_chain_id(kChain);
  g.mutable_config()->set_province_code("53");
  g.mutable_config()->set_channel("1");
  const pb::Role roles[] = {pb::TAX_BUREAU, pb::MARKET_OPERATOR, pb::PAYMENT_PROVIDER,
                            pb::REIMBURSING_ORG};
  for (uint32_t i = 0; i < 4; ++i) {
    auto* m = g.add_members();
    m->set_index(i);
    m->set_name("member " + std::to_string(i));
    m->set_role(roles[i]);
  }
  g.mutable_members(1)->add_markets("M1");
  for (int64_t r : {1300, 900, 600, 500, 300, 100, 0}) g.mutable_rules()->add_allowed_rates_bp(r);
  for (int64_t r : {500, 300, 100}) g.mutable_rules()->add_small_scale_rates_bp(r);
  return g;
}

struct Figures {
  double us_per_issuance = 0;
  double us_per_issuance_p50_block = 0;
  size_t issued = 0;
};

Figures Run(Backend& be, const Hasher& hasher, int blocks, int per_block) {
  Builder b;
  uint64_t height = 0, now = kStartMs;
  auto exec = [&](const std::vector<pb::Transaction>& txs) {
    BlockResult r = ExecuteBlock(be.view(), txs, BlockContext{Height{height}, now, &hasher});
    if (!be.Commit(height, r, hasher)) std::exit(1);
    ++height;
    now += 1000;
    return r;
  };
  exec({b.Tx(0, TxKind::kGenesis, MakeGenesis())});
  std::vector<pb::Transaction> setup;
  for (int v = 0; v < 50; ++v) {
    pb::RegisterVendor rv;
    auto* info = rv.mutable_info();
    info->set_vendor_id("v" + std::to_string(v));
    info->set_name("Stall");
    std::string first17 = "9253080000" + std::to_string(1000000 + v);
    info->mutable_taxpayer_id()->set_kind(pb::USCC);
    info->mutable_taxpayer_id()->set_value(first17 + *UsccCheckChar(first17));
    info->set_market("M1");
    info->set_taxpayer_type(pb::SMALL_SCALE);
    setup.push_back(b.Tx(1, TxKind::kRegisterVendor, rv));
  }
  exec(setup);

  std::vector<double> block_us;
  Figures f;
  uint64_t ref = 0;
  for (int blk = 0; blk < blocks; ++blk) {
    std::vector<pb::Transaction> pre, issue;
    for (int i = 0; i < per_block; ++i, ++ref) {
      const std::string r = "ref" + std::to_string(ref);
      const std::string vendor = "v" + std::to_string(ref % 50);
      pb::AttestPayment p;
      p.set_vendor_id(vendor);
      p.set_amount_fen(10300);
      p.set_paid_at_ms(now);
      p.set_reference(r);
      p.set_claim_token_hash(hasher.Digest(std::string("fapiao/claim/v1") + '\0' + r).ToBytes());
      pre.push_back(b.Tx(2, TxKind::kAttestPayment, p));
      pb::RequestInvoice q;
      q.mutable_payment()->set_provider(2);
      q.mutable_payment()->set_reference(r);
      q.set_claim_token(r);
      q.mutable_title()->set_type(pb::INDIVIDUAL);
      q.mutable_title()->set_name_commitment(std::string(32, 'n'));
      q.set_buyer_hash(hasher.Digest("buyer" + std::to_string(ref % 1000)).ToBytes());
      q.set_buyer_auth_hash(std::string(32, 'a'));
      pre.push_back(b.Tx(1, TxKind::kRequestInvoice, q));
      pb::IssueInvoice iss;
      iss.set_vendor_id(vendor);
      auto* a = iss.add_allocations();
      a->mutable_payment()->set_provider(2);
      a->mutable_payment()->set_reference(r);
      a->set_amount_fen(10300);
      auto* l1 = iss.add_lines();
      l1->set_name("tea");
      l1->set_quantity("2");
      l1->set_unit_price("25");
      l1->set_amount_fen(5000);
      l1->mutable_treatment()->set_rate_bp(300);
      l1->mutable_treatment()->set_treatment(pb::TAXABLE);
      auto* l2 = iss.add_lines();
      l2->set_name("mushrooms");
      l2->set_amount_fen(5150);
      l2->mutable_treatment()->set_treatment(pb::EXEMPT);
      l2->mutable_treatment()->set_policy_code("FARM-SELF");
      issue.push_back(b.Tx(1, TxKind::kIssueInvoice, iss));
    }
    exec(pre);
    const auto t0 = Clock::now();
    BlockResult r = exec(issue);
    const auto t1 = Clock::now();
    for (const auto& rc : r.receipts) {
      if (!rc.accepted()) {
        std::fprintf(stderr, "issuance rejected: %s\n", rc.code().c_str());
        std::exit(1);
      }
    }
    block_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    f.issued += static_cast<size_t>(per_block);
  }
  double total = 0;
  for (double d : block_us) total += d;
  f.us_per_issuance = total / static_cast<double>(f.issued);
  std::sort(block_us.begin(), block_us.end());
  f.us_per_issuance_p50_block = block_us[block_us.size() / 2] / per_block;
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  int blocks = 50, per_block = 100;
  std::string dir = std::filesystem::temp_directory_path() / "fapiao-contracts-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--blocks")) blocks = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--per-block")) per_block = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
  }
  if (blocks < 1 || per_block < 1) {
    std::fprintf(stderr, "usage: fapiao-contracts-bench [--blocks B] [--per-block N] [--dir D]\n");
    return 2;
  }
  std::printf("machine: nproc %u, %s\n", std::thread::hardware_concurrency(), CpuModel().c_str());
  auto suite = CryptoSuite::Create(SuiteId::kEd25519Sha256);
  std::printf("issuance: 2 lines (3%% taxable + exempt), 1 payment; %d blocks x %d issuances\n",
              blocks, per_block);

  std::vector<std::unique_ptr<Backend>> backends;
  backends.push_back(std::make_unique<MemBackend>());
  for (bool sync : {false, true}) {
    const std::string path = dir + (sync ? "-sync" : "-nosync");
    std::filesystem::remove_all(path);
    RocksStoreOptions o;
    o.sync = sync;
    auto s = RocksStore::Open(path, o);
    if (!s.ok()) {
      std::fprintf(stderr, "open %s: %s\n", path.c_str(), s.status().ToString().c_str());
      return 1;
    }
    backends.push_back(std::make_unique<RocksBackend>(
        std::move(*s), sync ? "RocksStore fsync on" : "RocksStore fsync off"));
  }
  for (auto& be : backends) {
    const Figures f = Run(*be, suite->hasher(), blocks, per_block);
    std::printf("%-22s %8.1f us/issuance (mean)  %8.1f us/issuance (median block)  %zu issued\n",
                be->name(), f.us_per_issuance, f.us_per_issuance_p50_block, f.issued);
  }
  for (bool sync : {false, true}) std::filesystem::remove_all(dir + (sync ? "-sync" : "-nosync"));
  return 0;
}
