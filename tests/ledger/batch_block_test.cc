// Member-signed batches, blocks and commit certificates.
// Scenarios:
//   - A signed batch verifies; each transaction has a proof of membership in a
//     batch signed by its member, and every tampering is refused with a code.
//   - Blocks: structural checks catch every altered count or root.
//   - Certificates: quorum of distinct known members over the commit statement.
#include <catch2/catch.hpp>

#include "ledger/core/block.h"

using namespace fapiao;

namespace {

constexpr std::string_view kChain = "fapiao-test";

struct Consortium {
  explicit Consortium(SuiteId id, int n = 4) : suite(CryptoSuite::Create(id)) {
    for (int i = 0; i < n; ++i) {
      signers.push_back(suite->GenerateSigner());
      keys.push_back(*suite->verifier().AddKey(signers.back()->public_key_der()));
    }
  }
  Bytes Tx(uint32_t member, uint64_t seq, std::string payload = "p") {
    pb::Transaction tx;
    tx.set_chain_id(std::string(kChain));
    tx.set_kind(1);
    tx.set_payload(std::move(payload));
    tx.set_member(member);
    tx.set_sequence(seq);
    return tx.SerializeAsString();
  }
  pb::SignedBatch Batch(uint32_t member, int count) {
    std::vector<Bytes> txs;
    for (int i = 0; i < count; ++i) txs.push_back(Tx(member, static_cast<uint64_t>(i)));
    return MakeSignedBatch(suite->hasher(), *signers[member], kChain, MemberId{member}, 1, txs);
  }
  std::unique_ptr<CryptoSuite> suite;
  std::vector<std::unique_ptr<Signer>> signers;
  std::vector<Hash> keys;
};

}  // namespace

TEST_CASE("a member-signed batch verifies and proves each transaction", "[batch]") {
  for (SuiteId id : {SuiteId::kEd25519Sha256, SuiteId::kSm2Sm3}) {
    INFO("suite " << SuiteName(id));
    Consortium c(id);
    auto batch = c.Batch(2, 13);
    auto verified = VerifyBatch(c.suite->hasher(), c.suite->verifier(), c.keys, kChain, batch);
    REQUIRE(verified.ok());
    CHECK(verified->txs.size() == 13);
    CHECK(verified->txs[3].id == TxId(c.suite->hasher(), batch.transactions(3)));
    CHECK(verified->txs[3].tx.sequence() == 3);
    for (uint64_t i = 0; i < 13; ++i) {
      auto proof = ProveTxInBatch(c.suite->hasher(), batch, i);
      auto tx = VerifyTxBatchProof(c.suite->hasher(), c.suite->verifier(), c.keys, kChain, proof);
      REQUIRE(tx.ok());
      CHECK(tx->sequence() == i);
    }
    // A single transaction is a batch of one.
    auto one = c.Batch(0, 1);
    CHECK(VerifyBatch(c.suite->hasher(), c.suite->verifier(), c.keys, kChain, one).ok());
  }
}

TEST_CASE("tampered batches are refused with a stable code", "[batch]") {
  Consortium c(SuiteId::kEd25519Sha256);
  const auto good = c.Batch(1, 5);
  auto code = [&](const pb::SignedBatch& b) {
    auto r = VerifyBatch(c.suite->hasher(), c.suite->verifier(), c.keys, kChain, b);
    return r.ok() ? std::string("ok") : r.status().code();
  };
  REQUIRE(code(good) == "ok");
  {
    auto b = good;
    b.mutable_transactions(2)->back() ^= 1;
    CHECK(code(b) != "ok");
  }
  {
    auto b = good;
    b.set_transactions(4, c.Tx(1, 99));
    CHECK(code(b) == "batch.bad_tx_root");
  }
  {
    auto b = good;
    b.mutable_signature()->at(0) ^= 1;
    CHECK(code(b) == "batch.bad_signature");
  }
  {
    auto b = good;
    b.mutable_header()->back() ^= 1;
    CHECK(code(b) != "ok");
  }
  {
    auto b = good;
    b.add_transactions(c.Tx(1, 100));
    CHECK(code(b) == "batch.bad_tx_count");
  }
  {
    // Member 1 cannot smuggle a transaction of member 3 into its batch.
    std::vector<Bytes> txs{c.Tx(1, 1), c.Tx(3, 1)};
    auto b = MakeSignedBatch(c.suite->hasher(), *c.signers[1], kChain, MemberId{1}, 2, txs);
    CHECK(code(b) == "batch.member_mismatch");
  }
  {
    // Signed by member 0's key but claiming member 1.
    std::vector<Bytes> txs{c.Tx(1, 1)};
    auto b = MakeSignedBatch(c.suite->hasher(), *c.signers[0], kChain, MemberId{1}, 2, txs);
    CHECK(code(b) == "batch.bad_signature");
  }
  {
    std::vector<Bytes> txs{c.Tx(7, 1)};
    auto b = MakeSignedBatch(c.suite->hasher(), *c.signers[0], kChain, MemberId{7}, 2, txs);
    CHECK(code(b) == "batch.unknown_member");
  }
  {
    auto b = good;
    b.set_header("garbage");
    CHECK(code(b) == "batch.malformed_header");
  }
  CHECK(VerifyBatch(c.suite->hasher(), c.suite->verifier(), c.keys, "other-chain", good)
            .status()
            .code() == "batch.wrong_chain");
  // A proof with a flipped path byte or the wrong index is refused.
  auto proof = ProveTxInBatch(c.suite->hasher(), good, 2);
  auto bad = proof;
  bad.path[0].data()[0] ^= 1;
  CHECK(VerifyTxBatchProof(c.suite->hasher(), c.suite->verifier(), c.keys, kChain, bad)
            .status()
            .code() == "batch.bad_inclusion_proof");
  bad = proof;
  bad.index = 3;
  CHECK_FALSE(VerifyTxBatchProof(c.suite->hasher(), c.suite->verifier(), c.keys, kChain, bad).ok());
}

TEST_CASE("blocks are checked against their header", "[block]") {
  Consortium c(SuiteId::kSm2Sm3);
  BlockFields f;
  f.chain_id = std::string(kChain);
  f.height = 7;
  f.timestamp_ms = 1790000000000;
  f.proposer = 3;
  auto block = MakeBlock(c.suite->hasher(), f, {c.Batch(0, 3), c.Batch(1, 4)});
  auto header = CheckBlock(c.suite->hasher(), kChain, block);
  REQUIRE(header.ok());
  CHECK(header->tx_count() == 7);
  CHECK(header->batch_count() == 2);
  const Hash id = BlockId(c.suite->hasher(), block.header());
  CHECK(id != BlockId(c.suite->hasher(), block.header() + "x"));

  auto swapped = block;
  swapped.mutable_batches()->SwapElements(0, 1);
  CHECK(CheckBlock(c.suite->hasher(), kChain, swapped).status().code() == "block.bad_batch_root");
  auto dropped = block;
  dropped.mutable_batches()->RemoveLast();
  CHECK(CheckBlock(c.suite->hasher(), kChain, dropped).status().code() == "block.bad_batch_count");
  CHECK(CheckBlock(c.suite->hasher(), "x", block).status().code() == "block.wrong_chain");
}

TEST_CASE("commit certificates need a quorum of distinct valid votes", "[block]") {
  CHECK(CertificateQuorum(4) == 3);
  CHECK(CertificateQuorum(7) == 5);
  CHECK(CertificateQuorum(10) == 7);
  CHECK(CertificateQuorum(5) == 4);  // two quorums of 4 out of 5 share >= f+1 = 2
  CHECK(CertificateQuorum(6) == 4);
  CHECK(CertificateQuorum(1) == 1);

  Consortium c(SuiteId::kEd25519Sha256);
  const Hash block_id = c.suite->hasher().Digest("block");
  const Bytes statement = CommitStatement(kChain, 2, 9, block_id);
  pb::CommitCertificate cert;
  cert.set_height(9);
  cert.set_view(2);
  cert.set_block_id(block_id.ToBytes());
  auto vote = [&](uint32_t m) {
    auto* v = cert.add_votes();
    v->set_member(m);
    v->set_signature(c.signers[m]->Sign(statement));
  };
  auto check = [&] {
    return VerifyCertificate(c.suite->verifier(), c.keys, kChain, 9, block_id, cert);
  };
  vote(0);
  vote(3);
  CHECK(check().code() == "cert.no_quorum");
  vote(3);
  CHECK(check().code() == "cert.duplicate_vote");
  cert.mutable_votes()->RemoveLast();
  vote(1);
  CHECK(check().ok());
  CHECK(VerifyCertificate(c.suite->verifier(), c.keys, kChain, 10, block_id, cert).code() ==
        "cert.wrong_block");
  cert.mutable_votes(1)->mutable_signature()->at(3) ^= 1;
  CHECK(check().code() == "cert.bad_signature");
}
