#include "tests/ledger/chain_fixture.h"

#include <cassert>
#include <string>

namespace fapiao::testing {

TestChain::TestChain(uint32_t txs_per_batch, uint32_t batches_per_block)
    : suite_(CryptoSuite::Create(SuiteId::kEd25519Sha256)),
      txs_per_batch_(txs_per_batch),
      batches_per_block_(batches_per_block) {
  for (uint8_t m = 0; m < 4; ++m) {
    auto signer = suite_->SignerFromSeed(Bytes(32, static_cast<char>('a' + m)));
    assert(signer.ok());
    keys_.push_back(*suite_->verifier().AddKey((*signer)->public_key_der()));
    signers_.push_back(std::move(*signer));
  }
}

Bytes TestChain::StateKey(uint64_t height, uint32_t i) {
  Bytes k = "t/";
  AppendU64(k, height);
  AppendU32(k, i);
  return k;
}

BlockAppend TestChain::Make(uint64_t height) {
  assert(height <= ids_.size());
  const Hasher& h = suite_->hasher();
  std::vector<pb::SignedBatch> batches;
  uint32_t seq = 0;
  for (uint32_t b = 0; b < batches_per_block_; ++b) {
    const uint32_t member = b % 4;
    std::vector<Bytes> txs;
    for (uint32_t i = 0; i < txs_per_batch_; ++i, ++seq) {
      pb::Transaction tx;
      tx.set_chain_id(std::string(kTestChain));
      tx.set_kind(1);
      tx.set_member(member);
      tx.set_sequence(height * 1000000 + seq);
      // ~200-byte payload, like an attested payment.
      tx.set_payload("payment:" + std::to_string(height) + ":" + std::to_string(seq) + ":" +
                     std::string(180, static_cast<char>('A' + seq % 26)));
      txs.push_back(tx.SerializeAsString());
    }
    batches.push_back(MakeSignedBatch(h, *signers_[member], kTestChain, MemberId{member},
                                      height * 100 + b, std::move(txs)));
  }
  BlockFields f;
  f.chain_id = std::string(kTestChain);
  f.height = height;
  f.prev_hash = height == 0 ? Hash() : ids_[height - 1];
  f.timestamp_ms = 1790000000000 + height * 1000;
  f.proposer = static_cast<uint32_t>(height % 4);
  pb::Block block = MakeBlock(h, f, std::move(batches));

  BlockAppend a;
  a.height = height;
  a.block_id = BlockId(h, block.header());
  pb::CommitCertificate cert;
  cert.set_height(height);
  cert.set_block_id(a.block_id.ToBytes());
  const Bytes statement = CommitStatement(kTestChain, 0, height, a.block_id);
  for (uint32_t m = 0; m < 3; ++m) {
    auto* v = cert.add_votes();
    v->set_member(m);
    v->set_signature(signers_[m]->Sign(statement));
  }
  a.certificate = cert.SerializeAsString();
  uint32_t i = 0;
  for (int b = 0; b < block.batches_size(); ++b) {
    const auto& batch = block.batches(b);
    for (int t = 0; t < batch.transactions_size(); ++t, ++i) {
      const Hash id = TxId(h, batch.transactions(t));
      a.txs.push_back({id, TxLocation{height, static_cast<uint32_t>(b), static_cast<uint32_t>(t)}});
      a.writes.Put(Column::kState, StateKey(height, i), id.view());
      a.writes.Put(Column::kIndex, "by-tx/" + id.ToBytes(), StateKey(height, i));
    }
  }
  a.block_bytes = block.SerializeAsString();
  a.receipts = "receipts-of-" + std::to_string(height);
  if (ids_.size() == height) ids_.push_back(a.block_id);
  return a;
}

std::string CheckStoreContents(const BlockStore& store, TestChain& chain, uint64_t upto) {
  const auto tip = store.Tip();
  const uint64_t complete = tip ? *tip + 1 : 0;
  for (uint64_t h = 0; h <= upto; ++h) {
    const BlockAppend a = chain.Make(h);
    const std::string at = " at height " + std::to_string(h);
    if (h < complete) {
      if (store.BlockAt(h) != a.block_bytes) return "block bytes differ" + at;
      if (store.CertificateAt(h) != a.certificate) return "certificate differs" + at;
      if (store.ReceiptsAt(h) != a.receipts) return "receipts differ" + at;
      if (store.HeightOf(a.block_id) != h) return "block id not indexed" + at;
      for (const auto& [id, loc] : a.txs) {
        if (store.FindTx(id) != loc) return "transaction not indexed" + at;
      }
      for (const auto& [key, value] : a.writes.ops()) {
        if (store.Get(key.first, key.second) != value) return "state write missing" + at;
      }
    } else {
      if (store.BlockAt(h) || store.CertificateAt(h) || store.ReceiptsAt(h)) {
        return "part of a block beyond the tip is visible" + at;
      }
      if (store.HeightOf(a.block_id)) return "block id beyond the tip is visible" + at;
      for (const auto& [id, loc] : a.txs) {
        if (store.FindTx(id)) return "transaction beyond the tip is visible" + at;
      }
      for (const auto& [key, value] : a.writes.ops()) {
        if (store.Get(key.first, key.second)) return "state write beyond the tip is visible" + at;
      }
    }
  }
  return "";
}

}  // namespace fapiao::testing
