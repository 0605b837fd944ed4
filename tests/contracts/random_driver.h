// A seeded generator of random, mostly-valid transaction blocks for the
// standard consortium, choosing from what exists in the chain's state so that
// deep paths (multi-payment invoices, marks, red-letter forms, lapses) are
// reached. Records every block so it can be replayed on another chain.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "tests/contracts/harness.h"

namespace fapiao::contracts::test {

struct RecordedBlock {
  uint64_t time_ms = 0;
  std::vector<pb::Transaction> txs;
};

class RandomDriver {
 public:
  RandomDriver(Chain& chain, uint64_t seed) : c_(chain), rng_(seed) {}
  // Builds and executes one block of 1-4 transactions; returns its receipts' codes.
  std::vector<std::string> Step();
  const std::vector<RecordedBlock>& recorded() const { return recorded_; }

 private:
  uint64_t Uniform(uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng_);
  }
  bool Chance(int percent) { return Uniform(0, 99) < static_cast<uint64_t>(percent); }
  pb::Transaction Next();
  pb::Transaction Issue();
  pb::Transaction OpenForm();
  pb::Transaction ActOnForm();
  std::vector<pb::Invoice> Invoices(pb::InvoiceKind kind) const;

  Chain& c_;
  std::mt19937_64 rng_;
  uint64_t next_ref_ = 0;
  std::vector<RecordedBlock> recorded_;
};

// Invariants of the whole state; returns a description of the first violation, or "".
std::string CheckInvariants(const StateView& s);

}  // namespace fapiao::contracts::test
