// Deterministic test chain: a 4-member Ed25519 consortium from fixed seeds and
// blocks of signed batches whose bytes depend only on (height, shape). Used by
// the store tests and by store_crash_writer (the multi-process crash test), so
// that a reader can regenerate exactly the bytes a writer appended.
#pragma once

#include <memory>
#include <vector>

#include "ledger/core/block.h"
#include "ledger/store/block_store.h"

namespace fapiao::testing {

inline constexpr std::string_view kTestChain = "fapiao-test-chain";

class TestChain {
 public:
  TestChain(uint32_t txs_per_batch = 100, uint32_t batches_per_block = 10);

  const CryptoSuite& suite() const { return *suite_; }
  const std::vector<Hash>& member_keys() const { return keys_; }

  // The full append record of block `height` (linked to the previous block's id),
  // with a certificate signed by members 0..2 and one state + one index write per tx.
  BlockAppend Make(uint64_t height);
  // Key of the state entry written for transaction i of block height.
  static Bytes StateKey(uint64_t height, uint32_t i);

 private:
  std::unique_ptr<CryptoSuite> suite_;
  std::vector<std::unique_ptr<Signer>> signers_;
  std::vector<Hash> keys_;
  uint32_t txs_per_batch_;
  uint32_t batches_per_block_;
  std::vector<Hash> ids_;  // block ids made so far, by height
};

// Checks that the store holds exactly blocks 0..tip, each byte-identical to
// chain.Make(h) with all of its index and state writes, and nothing of any
// block in (tip, upto]. Returns "" when it holds, else what is wrong.
// REQUIRES: chain has not made blocks beyond what it can regenerate in order.
std::string CheckStoreContents(const BlockStore& store, TestChain& chain, uint64_t upto);

}  // namespace fapiao::testing
