// store_crash_writer DIR [BLOCKS]: appends the deterministic test chain
// (1,000 transactions per block) to the store in DIR, resuming after its tip,
// printing "appended H" after each synced append. The crash test kills it -9.
#include <cstdio>
#include <cstdlib>

#include "ledger/store/rocks_store.h"
#include "tests/ledger/chain_fixture.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: store_crash_writer DIR [BLOCKS]\n");
    return 2;
  }
  const uint64_t blocks = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 100;
  auto store = fapiao::RocksStore::Open(argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  fapiao::testing::TestChain chain(100, 10);
  const auto tip = (*store)->Tip();
  for (uint64_t h = 0; h < blocks; ++h) {
    auto a = chain.Make(h);
    if (tip && h <= *tip) continue;
    if (auto s = (*store)->Append(a); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    std::printf("appended %llu\n", static_cast<unsigned long long>(h));
    std::fflush(stdout);
  }
  std::printf("done\n");
  return 0;
}
