// `fapiao verify` against a real consortium written by `fapiaod init`:
//   - a QR text signed by the market operator's member key is valid, given as
//     text or as a file; every flipped payload byte makes it invalid with a qr.* reason;
//   - a QR signed by an unknown member, a non-operator, or another chain is invalid;
//   - a proof.json of a transaction in a 3-batch block is valid; every flipped
//     byte of every proof field (and of the genesis proof) is invalid with a reason;
//   - the executable exits 0 valid, 1 invalid, 2 usage.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <sstream>

#include "ledger/core/block.h"
#include "ledger/core/inclusion.h"
#include "ledger/core/merkle.h"
#include "node/config.h"
#include "node/init.h"
#include "qr/proof_json.h"
#include "qr/verification.h"
#include "tests/node_config/temp_dir.h"
#include "tests/qr/vectors.h"
#include "tools/fapiao/verify.h"

using namespace fapiao;
using fapiao::test::TempDir;
using fapiao::test::WriteAll;

namespace {

struct Fixture {
  Fixture() {
    node::InitOptions o;
    o.members = 4;
    o.dir = dir.path().string();
    o.genesis_time_ms = 1'763'700'000'000;
    REQUIRE(node::InitConsortium(o).ok());
    auto c = node::LoadConsortium(consortium());
    REQUIRE(c.ok());
    cons = *c;
    suite = CryptoSuite::Create(cons.suite);
    for (uint32_t i = 0; i < 4; ++i) {
      auto cfg = node::LoadNodeConfig(dir / ("node" + std::to_string(i) + "/node.toml"));
      REQUIRE(cfg.ok());
      auto signer = suite->LoadSigner(test::ReadAll(cfg->signing_key_file));
      REQUIRE(signer.ok());
      signers.push_back(std::move(*signer));
    }
  }
  std::string consortium() const { return dir / "consortium.toml"; }

  // Runs RunVerify; returns (exit code, stdout + stderr).
  std::pair<int, std::string> Verify(const std::string& input) const {
    std::ostringstream out;
    std::ostringstream err;
    const int rc = cli::RunVerify(input, consortium(), out, err);
    return {rc, out.str() + err.str()};
  }

  std::string SignedText(uint32_t member, std::string_view chain) const {
    qr::VerificationFields f = test::VectorFields(test::QrVectors().at("verification")[0]);
    f.member = member;
    auto p = qr::SignVerificationPayload(f, chain, *signers[member % signers.size()]);
    REQUIRE(p.ok());
    return qr::VerificationText(*p);
  }

  // A block at height 1 with three batches; the proof of batch 1's tx 2.
  TxInclusionProof BlockProof() const {
    const Hasher& h = suite->hasher();
    std::vector<pb::SignedBatch> batches;
    for (uint32_t m = 0; m < 3; ++m) {
      std::vector<Bytes> txs;
      for (uint64_t s = 1; s <= 3; ++s) {
        pb::Transaction tx;
        tx.set_chain_id(cons.chain_id);
        tx.set_kind(1);
        tx.set_payload("payload " + std::to_string(m) + "/" + std::to_string(s));
        tx.set_member(m);
        tx.set_sequence(s);
        txs.push_back(tx.SerializeAsString());
      }
      batches.push_back(MakeSignedBatch(h, *signers[m], cons.chain_id, MemberId{m}, 1, txs));
    }
    BlockFields fields;
    fields.chain_id = cons.chain_id;
    fields.height = 1;
    fields.timestamp_ms = 1'763'700'001'000;
    fields.view = 0;
    pb::Block block = MakeBlock(h, fields, batches);
    const Hash id = BlockId(h, block.header());
    pb::CommitCertificate cert;
    cert.set_height(1);
    cert.set_view(0);
    cert.set_block_id(id.ToBytes());
    for (uint32_t m : {0u, 2u, 3u}) {
      auto* v = cert.add_votes();
      v->set_member(m);
      v->set_signature(signers[m]->Sign(CommitStatement(cons.chain_id, 0, 1, id)));
    }
    TxInclusionProof proof;
    proof.in_batch = ProveTxInBatch(h, block.batches(1), 2);
    std::vector<Hash> leaves;
    for (const auto& b : block.batches()) leaves.push_back(MerkleLeafHash(h, BatchLeafData(b)));
    proof.batch_index = 1;
    proof.batch_path = MerkleInclusionProof(h, leaves, 1);
    proof.block_header = block.header();
    proof.certificate = cert.SerializeAsString();
    return proof;
  }

  TempDir dir;
  node::Consortium cons;
  std::unique_ptr<CryptoSuite> suite;
  std::vector<std::unique_ptr<Signer>> signers;
};

// Every byte of every bytes field and hash of the proof, flipped in turn, fails.
void ExpectEveryFlipFails(Fixture& f, const TxInclusionProof& good) {
  std::vector<Hash> keys;
  for (const auto& m : f.cons.members)
    keys.push_back(*f.suite->verifier().AddKey(m.signing_key_pem));
  auto check = [&](const TxInclusionProof& p) {
    return VerifyTxInclusion(f.suite->hasher(), f.suite->verifier(), keys, f.cons.chain_id, p);
  };
  REQUIRE(check(good).ok());
  auto flip_all = [&](const char* name, auto field) {
    TxInclusionProof p = good;
    Bytes& bytes = field(p);
    for (size_t i = 0; i < bytes.size(); ++i) {
      bytes[i] = static_cast<char>(bytes[i] ^ 0x01);
      auto r = check(p);
      INFO(name << " byte " << i);
      REQUIRE_FALSE(r.ok());
      CHECK_FALSE(r.status().code().empty());
      bytes[i] = static_cast<char>(bytes[i] ^ 0x01);
    }
  };
  flip_all("tx", [](TxInclusionProof& p) -> Bytes& { return p.in_batch.tx_bytes; });
  flip_all("batch_header", [](TxInclusionProof& p) -> Bytes& { return p.in_batch.header_bytes; });
  flip_all("batch_signature", [](TxInclusionProof& p) -> Bytes& { return p.in_batch.signature; });
  flip_all("block_header", [](TxInclusionProof& p) -> Bytes& { return p.block_header; });
  flip_all("certificate", [](TxInclusionProof& p) -> Bytes& { return p.certificate; });
  auto flip_path = [&](const char* name, auto path) {
    TxInclusionProof copy = good;
    for (size_t k = 0; k < path(copy).size(); ++k) {
      for (size_t i = 0; i < Hash::kSize; ++i) {
        TxInclusionProof p = good;
        path(p)[k].data()[i] ^= 0x80;
        INFO(name << " entry " << k << " byte " << i);
        CHECK_FALSE(check(p).ok());
      }
    }
  };
  flip_path("tx_path", [](TxInclusionProof& p) -> std::vector<Hash>& { return p.in_batch.path; });
  flip_path("batch_path", [](TxInclusionProof& p) -> std::vector<Hash>& { return p.batch_path; });
  TxInclusionProof p = good;
  p.in_batch.index ^= 1;
  CHECK_FALSE(check(p).ok());
  p = good;
  p.batch_index ^= 1;
  CHECK_FALSE(check(p).ok());
}

int RunProcess(const std::string& args) {
  const int status =
      std::system((std::string(FAPIAO_CLI) + " " + args + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("verify a signed QR text offline", "[cli][qr]") {
  Fixture f;
  const std::string text = f.SignedText(0, f.cons.chain_id);
  auto [rc, msg] = f.Verify(text);
  INFO(msg);
  CHECK(rc == cli::kExitValid);
  CHECK(msg.starts_with("valid: invoice 25531000000000000042"));
  WriteAll(f.dir / "qr.txt", text + "\n");
  CHECK(f.Verify(f.dir / "qr.txt").first == cli::kExitValid);

  auto payload = qr::DecodeVerificationText(text);
  REQUIRE(payload.ok());
  const Bytes bytes =
      payload->body + static_cast<char>(payload->signature.size()) + payload->signature;
  for (size_t i = 0; i < bytes.size(); ++i) {
    Bytes bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x04);
    auto [bad_rc, bad_msg] = f.Verify(qr::VerificationText(bad));
    INFO("byte " << i << ": " << bad_msg);
    CHECK(bad_rc == cli::kExitInvalid);
    CHECK(bad_msg.starts_with("invalid: qr."));
  }
}

TEST_CASE("a QR from the wrong member or chain is invalid", "[cli][qr]") {
  Fixture f;
  auto code = [&](const std::string& text) { return f.Verify(text).second; };
  CHECK_THAT(code(f.SignedText(1, f.cons.chain_id)), Catch::StartsWith("invalid: qr.not_operator"));
  CHECK_THAT(code(f.SignedText(7, f.cons.chain_id)),
             Catch::StartsWith("invalid: qr.unknown_member"));
  CHECK_THAT(code(f.SignedText(0, "another-chain")),
             Catch::StartsWith("invalid: qr.bad_signature"));
  CHECK_THAT(code("FPV1:%%"), Catch::StartsWith("invalid: qr."));
}

TEST_CASE("verify an inclusion proof offline", "[cli][proof]") {
  Fixture f;
  const TxInclusionProof proof = f.BlockProof();
  WriteAll(f.dir / "proof.json", qr::ProofToJson(proof));
  auto [rc, msg] = f.Verify(f.dir / "proof.json");
  INFO(msg);
  CHECK(rc == cli::kExitValid);
  CHECK_THAT(msg, Catch::StartsWith("valid: tx ") && Catch::Contains("committed in block 1"));
  ExpectEveryFlipFails(f, proof);

  // Flips through the JSON file: one per hex field.
  auto j = nlohmann::json::parse(qr::ProofToJson(proof));
  for (const char* key : {"tx", "batch_header", "batch_signature", "block_header", "certificate"}) {
    auto bad = j;
    std::string hex = bad[key];
    hex[hex.size() / 2] = hex[hex.size() / 2] == '0' ? '1' : '0';
    bad[key] = hex;
    WriteAll(f.dir / "bad.json", bad.dump());
    auto [bad_rc, bad_msg] = f.Verify(f.dir / "bad.json");
    INFO(key << ": " << bad_msg);
    CHECK(bad_rc == cli::kExitInvalid);
    CHECK(bad_msg.starts_with("invalid: "));
  }
}

TEST_CASE("the genesis transaction's proof verifies and resists every flip", "[cli][proof]") {
  Fixture f;
  auto g = node::LoadGenesis(f.cons);
  REQUIRE(g.ok());
  TxInclusionProof proof;
  proof.in_batch = ProveTxInBatch(f.suite->hasher(), g->block.batches(0), 0);
  proof.batch_index = 0;
  proof.block_header = g->block.header();
  proof.certificate = g->certificate.SerializeAsString();
  WriteAll(f.dir / "genesis.json", qr::ProofToJson(proof));
  CHECK(f.Verify(f.dir / "genesis.json").first == cli::kExitValid);
  ExpectEveryFlipFails(f, proof);
}

TEST_CASE("the fapiao executable's exit codes", "[cli]") {
  Fixture f;
  const std::string cons = " --consortium " + f.consortium();
  WriteAll(f.dir / "qr.txt", f.SignedText(0, f.cons.chain_id));
  WriteAll(f.dir / "proof.json", qr::ProofToJson(f.BlockProof()));
  CHECK(RunProcess("verify " + (f.dir / "qr.txt") + cons) == 0);
  CHECK(RunProcess("verify '" + f.SignedText(0, f.cons.chain_id) + "'" + cons) == 0);
  CHECK(RunProcess("verify " + (f.dir / "proof.json") + cons) == 0);
  CHECK(RunProcess("verify '" + f.SignedText(0, "other") + "'" + cons) == 1);
  WriteAll(f.dir / "junk.json", "{}");
  CHECK(RunProcess("verify " + (f.dir / "junk.json") + cons) == 1);
  CHECK(RunProcess("verify " + (f.dir / "missing.json") + cons) == 2);
  CHECK(RunProcess("verify " + (f.dir / "qr.txt")) == 2);
  CHECK(RunProcess("verify " + (f.dir / "qr.txt") + " --consortium " + (f.dir / "none.toml")) == 2);
  CHECK(RunProcess("") == 2);
  CHECK(RunProcess("--help") == 0);
}
