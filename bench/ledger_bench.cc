// fapiao-ledger-bench: sign and verify per second per crypto suite (one thread
// and all cores, next to `openssl speed` on the same machine), the Merkle root
// of 10,000 transactions, and synced store appends of 1,000-transaction blocks.
// Usage: fapiao-ledger-bench [--seconds S] [--blocks N] [--dir DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>
#include "bench/machine.h"

#include "ledger/core/merkle.h"
#include "ledger/store/rocks_store.h"
#include "tests/ledger/chain_fixture.h"

using namespace fapiao;
using Clock = std::chrono::steady_clock;

namespace {

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

using bench::CpuModel;
using bench::SelfCpuSeconds;

// verify/s reported by `openssl speed` for the suite's algorithm, or 0.
double OpensslVerifyPerSecond(SuiteId id, int seconds) {
  const std::string alg = id == SuiteId::kSm2Sm3 ? "sm2" : "ed25519";
  const std::string cmd =
      "openssl speed -seconds " + std::to_string(seconds) + " " + alg + " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return 0;
  char line[512];
  double verify = 0;
  const char* tag = id == SuiteId::kSm2Sm3 ? "SM2" : "Ed25519";
  while (std::fgets(line, sizeof(line), p) != nullptr) {
    if (std::strstr(line, tag) == nullptr || std::strstr(line, "bits") == nullptr) continue;
    double sign_s = 0, verify_s = 0, sign_per = 0, verify_per = 0;
    const char* nums = std::strchr(line, ')');
    if (nums != nullptr && std::sscanf(nums + 1, " %lfs %lfs %lf %lf", &sign_s, &verify_s,
                                       &sign_per, &verify_per) == 4) {
      verify = verify_per;
    }
  }
  ::pclose(p);
  return verify;
}

template <typename Fn>
double RatePerSecond(double seconds, Fn&& op) {
  uint64_t n = 0;
  const auto start = Clock::now();
  auto now = start;
  while (Seconds(start, now) < seconds) {
    for (int i = 0; i < 64; ++i) op(n++);
    now = Clock::now();
  }
  return static_cast<double>(n) / Seconds(start, now);
}

void BenchSuite(SuiteId id, double seconds, unsigned threads) {
  auto suite = CryptoSuite::Create(id);
  auto signer = suite->GenerateSigner();
  const Hash key = *suite->verifier().AddKey(signer->public_key_der());
  const Bytes msg(200, 'm');
  const Bytes sig = signer->Sign(msg);

  const double sign1 = RatePerSecond(seconds, [&](uint64_t) { (void)signer->Sign(msg); });
  const double verify1 = RatePerSecond(seconds, [&](uint64_t) {
    if (!suite->verifier().Verify(key, msg, sig)) std::abort();
  });
  std::vector<double> rates(threads);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      rates[t] = RatePerSecond(seconds, [&](uint64_t) {
        if (!suite->verifier().Verify(key, msg, sig)) std::abort();
      });
    });
  }
  for (auto& th : pool) th.join();
  double verify_all = 0;
  for (double r : rates) verify_all += r;
  const double reference = OpensslVerifyPerSecond(id, static_cast<int>(seconds + 0.5));
  std::printf("%-15s sign/s(1 thread) %9.0f  verify/s(1 thread) %9.0f  verify/s(%u threads) %9.0f",
              std::string(SuiteName(id)).c_str(), sign1, verify1, threads, verify_all);
  if (reference > 0) {
    std::printf("  openssl-speed verify/s %9.0f  ratio %.2f", reference, verify1 / reference);
  }
  std::printf("\n");
}

void BenchMerkle() {
  for (SuiteId id : {SuiteId::kEd25519Sha256, SuiteId::kSm2Sm3}) {
    auto suite = CryptoSuite::Create(id);
    std::vector<Bytes> txs;
    for (int i = 0; i < 10000; ++i)
      txs.push_back(std::string(256, static_cast<char>('a' + i % 26)) + std::to_string(i));
    std::vector<double> ms;
    for (int rep = 0; rep < 7; ++rep) {
      const auto a = Clock::now();
      const Hash root = MerkleRootOfData(suite->hasher(), txs);
      const auto b = Clock::now();
      if (root.IsZero()) std::abort();
      ms.push_back(Seconds(a, b) * 1000);
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%-15s merkle root of 10,000 x 256-byte transactions: median %.2f ms (%u runs)\n",
                std::string(SuiteName(id)).c_str(), ms[ms.size() / 2], 7u);
  }
}

void BenchStore(const std::string& dir, uint64_t blocks) {
  std::filesystem::remove_all(dir);
  testing::TestChain chain(100, 10);
  std::vector<BlockAppend> appends;
  for (uint64_t h = 0; h < blocks; ++h) appends.push_back(chain.Make(h));
  auto store = RocksStore::Open(dir);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    std::exit(1);
  }
  const double cpu_before = SelfCpuSeconds();
  const auto a = Clock::now();
  for (const auto& ap : appends) {
    if (auto s = (*store)->Append(ap); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      std::exit(1);
    }
  }
  const double secs = Seconds(a, Clock::now());
  const double cpu = SelfCpuSeconds() - cpu_before;  // background flushes included
  (void)(*store)->Close();
  const double per_block = static_cast<double>(blocks) / secs;
  std::printf(
      "store (fsync on) appends of 1,000-transaction blocks: %.0f blocks/s = %.0f transactions/s"
      " (%llu blocks, %.1f KiB per block), CPU %.2f µs per transaction\n",
      per_block, per_block * 1000, static_cast<unsigned long long>(blocks),
      static_cast<double>(appends[1].block_bytes.size()) / 1024.0,
      cpu * 1e6 / (static_cast<double>(blocks) * 1000));
  std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  uint64_t blocks = 300;
  std::string dir = (std::filesystem::temp_directory_path() / "fapiao-ledger-bench").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--blocks") == 0) blocks = std::strtoull(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
  }
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::printf("machine: %u cores, %s\n", threads, CpuModel().c_str());
  for (SuiteId id : {SuiteId::kEd25519Sha256, SuiteId::kSm2Sm3}) BenchSuite(id, seconds, threads);
  BenchMerkle();
  BenchStore(dir, blocks);
  return 0;
}
