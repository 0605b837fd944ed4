// The consensus driver's pieces that can be tested without sockets.
// Scenarios:
//   - WAL: records survive reopen; a torn tail left by a crash is dropped and
//     the records before it kept; Rewrite replaces the log atomically.
//   - Codec: every message round-trips with valid signatures; a flipped
//     signature byte, a wrong sender or a tampered vote relayed inside a
//     VIEW-CHANGE is refused; a commit certificate becomes a ledger certificate
//     that verifies offline with VerifyCertificate.
//   - Own signatures: one vote encoded for the WAL, the wire and the commit
//     certificate is signed once (MemoSigner), and all three carry that signature.
//   - Unneeded votes: only votes of the current view for an executed block, or
//     PREPAREs for a slot this replica is prepared in, are dropped unverified.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "consensus/driver/codec.h"
#include "consensus/driver/memo_signer.h"
#include "consensus/driver/unneeded_votes.h"
#include "consensus/driver/wal.h"
#include "ledger/core/block.h"

using namespace fapiao;
using namespace fapiao::consensus;

namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("fapiao-" + name + "-" + std::to_string(::getpid())))
      .string();
}

struct Keys {
  Keys() : suite(CryptoSuite::Create(SuiteId::kEd25519Sha256)) {
    for (int i = 0; i < 4; ++i) {
      signers.push_back(suite->GenerateSigner());
      ids.push_back(*suite->verifier().AddKey(signers.back()->public_key_der()));
    }
  }
  CodecContext Ctx(ReplicaId self) const {
    CodecContext c;
    c.chain_id = "fapiao-test";
    c.n = 4;
    c.hasher = &suite->hasher();
    c.verifier = &suite->verifier();
    c.member_keys = ids;
    c.signer = signers[self].get();
    c.self = self;
    return c;
  }
  std::unique_ptr<CryptoSuite> suite;
  std::vector<std::unique_ptr<Signer>> signers;
  std::vector<Hash> ids;
};

}  // namespace

TEST_CASE("the WAL keeps complete records and drops a torn tail", "[driver][wal]") {
  const std::string path = TempPath("wal");
  std::filesystem::remove(path);
  {
    auto wal = Wal::Open(path);
    REQUIRE(wal.ok());
    const std::vector<Bytes> first{"prepare 1", "commit 1"};
    REQUIRE((*wal)->Append(first).ok());
    const std::vector<Bytes> second{std::string(1000, 'x')};
    REQUIRE((*wal)->Append(second).ok());
  }
  // A crash in the middle of the next append: a length header and half a record.
  {
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND);
    REQUIRE(fd >= 0);
    const char torn[] = {0, 0, 0, 50, 1, 2, 3, 4, 'h', 'a', 'l', 'f'};
    REQUIRE(::write(fd, torn, sizeof(torn)) == static_cast<ssize_t>(sizeof(torn)));
    ::close(fd);
  }
  auto wal = Wal::Open(path);
  REQUIRE(wal.ok());
  CHECK((*wal)->torn_bytes_dropped() == 12);
  REQUIRE((*wal)->records().size() == 3);
  CHECK((*wal)->records()[0] == "prepare 1");
  CHECK((*wal)->records()[2] == std::string(1000, 'x'));
  // Appending after recovery continues a clean log.
  const std::vector<Bytes> third{"commit 2"};
  REQUIRE((*wal)->Append(third).ok());
  // A rewrite keeps exactly what it is given.
  const std::vector<Bytes> kept{"checkpoint 16", "commit 2"};
  REQUIRE((*wal)->Rewrite(kept).ok());
  const std::vector<Bytes> fourth{"prepare 17"};
  REQUIRE((*wal)->Append(fourth).ok());
  wal->reset();
  auto again = Wal::Open(path);
  REQUIRE(again.ok());
  CHECK((*again)->records() == std::vector<Bytes>{"checkpoint 16", "commit 2", "prepare 17"});
  CHECK((*again)->torn_bytes_dropped() == 0);
  std::filesystem::remove(path);
}

TEST_CASE("a corrupted record ends the log there", "[driver][wal]") {
  const std::string path = TempPath("wal-crc");
  std::filesystem::remove(path);
  {
    auto wal = Wal::Open(path);
    REQUIRE(wal.ok());
    const std::vector<Bytes> records{"one", "two", "three"};
    REQUIRE((*wal)->Append(records).ok());
  }
  {
    // Flip a byte of the second record's payload ("two" starts at 8 + 3 + 8).
    const int fd = ::open(path.c_str(), O_WRONLY);
    REQUIRE(fd >= 0);
    REQUIRE(::pwrite(fd, "T", 1, 19) == 1);
    ::close(fd);
  }
  auto wal = Wal::Open(path);
  REQUIRE(wal.ok());
  CHECK((*wal)->records() == std::vector<Bytes>{"one"});
  std::filesystem::remove(path);
}

TEST_CASE("consensus messages round-trip signed and tampering is refused", "[driver][codec]") {
  Keys k;
  const CodecContext from1 = k.Ctx(1);
  const CodecContext at2 = k.Ctx(2);
  const Hash digest = k.suite->hasher().Digest("block");

  // A vote signed by replica 1.
  Vote v{Phase::kPrepare, 3, 7, digest, 1, {}};
  pb::PeerMessage wire = Encode(from1, Message(v));
  auto back = Decode(at2, 1, wire);
  REQUIRE(back.ok());
  const auto& got = std::get<Vote>(*back);
  CHECK(got.view == 3);
  CHECK(got.seq == 7);
  CHECK(got.digest == digest);
  CHECK_FALSE(got.sig.empty());

  auto flipped = wire;
  flipped.mutable_vote()->mutable_sig()->at(5) ^= 1;
  CHECK(Decode(at2, 1, flipped).status().code() == "p2p.bad_signature");
  CHECK(Decode(at2, 3, wire).status().code() == "p2p.wrong_sender");
  auto other_seq = wire;
  other_seq.mutable_vote()->set_seq(8);
  CHECK(Decode(at2, 1, other_seq).status().code() == "p2p.bad_signature");

  // A VIEW-CHANGE relays prepare votes of others: each is checked.
  PreparedCert pc{3, 7, digest, Block{}, {}};
  for (ReplicaId r : {0u, 2u, 3u}) {
    Vote pv{Phase::kPrepare, 3, 7, digest, r, {}};
    pv.sig = Encode(k.Ctx(r), Message(pv)).vote().sig();
    pc.prepares.push_back(pv);
  }
  ViewChange vc;
  vc.view = 4;
  vc.sender = 1;
  vc.stable.seq = 0;
  vc.prepared.push_back(pc);
  pb::PeerMessage vcw = Encode(from1, Message(vc));
  REQUIRE(Decode(at2, 1, vcw).ok());
  auto tampered = vcw;
  tampered.mutable_view_change()->mutable_prepared(0)->mutable_prepares(1)->mutable_sig()->at(0) ^=
      1;
  CHECK(Decode(at2, 1, tampered).status().code() == "p2p.bad_signature");
  auto dropped = vcw;  // a relay that drops a prepared certificate breaks the sender's signature
  dropped.mutable_view_change()->clear_prepared();
  CHECK(Decode(at2, 1, dropped).status().code() == "p2p.bad_signature");
}

TEST_CASE("a commit certificate becomes a ledger certificate that verifies offline",
          "[driver][codec]") {
  Keys k;
  const Hash block_id = k.suite->hasher().Digest("header");
  CommitCert cert{2, 9, block_id, {}};
  for (ReplicaId r : {0u, 1u, 3u}) {
    Vote c{Phase::kCommit, 2, 9, block_id, r, {}};
    if (r != 0)
      c.sig = Encode(k.Ctx(r), Message(c)).vote().sig();  // own vote (0) signed at conversion
    cert.commits.push_back(c);
  }
  const pb::CommitCertificate ledger = ToLedgerCert(k.Ctx(0), cert);
  CHECK(VerifyCertificate(k.suite->verifier(), k.ids, "fapiao-test", 9, block_id, ledger).ok());
  auto back = FromLedgerCert(k.Ctx(2), ledger);
  REQUIRE(back.ok());
  CHECK(back->commits.size() == 3);
  auto bad = ledger;
  bad.mutable_votes(2)->mutable_signature()->at(1) ^= 1;
  CHECK_FALSE(FromLedgerCert(k.Ctx(2), bad).ok());
}

TEST_CASE("an own vote encoded for the WAL, the wire and the certificate is signed once",
          "[driver][codec]") {
  Keys k;
  MemoSigner memo(*k.signers[0], 4);
  CodecContext own = k.Ctx(0);
  own.signer = &memo;
  const Hash block_id = k.suite->hasher().Digest("header");
  const Vote mine{Phase::kCommit, 2, 9, block_id, 0, {}};  // the core keeps it unsigned

  const pb::WalRecord rec = EncodeRecord(own, Record(mine));
  const pb::PeerMessage wire = Encode(own, Message(mine));
  CommitCert cert{2, 9, block_id, {mine}};
  for (ReplicaId r : {1u, 3u}) {
    Vote c{Phase::kCommit, 2, 9, block_id, r, {}};
    c.sig = Encode(k.Ctx(r), Message(c)).vote().sig();
    cert.commits.push_back(c);
  }
  const pb::CommitCertificate ledger = ToLedgerCert(own, cert);
  CHECK(memo.signatures_made() == 1);

  // Every copy carries a signature the others accept.
  REQUIRE(Decode(k.Ctx(2), 0, wire).ok());
  CHECK(VerifyCertificate(k.suite->verifier(), k.ids, "fapiao-test", 9, block_id, ledger).ok());
  auto replayed = DecodeRecord(own, rec);
  REQUIRE(replayed.ok());
  const Vote& from_wal = std::get<Vote>(*replayed);
  CHECK(from_wal.sig == wire.vote().sig());

  // Another statement is signed anew; past the capacity the oldest is forgotten.
  for (Seq s = 10; s < 15; ++s) {
    Encode(own, Message(Vote{Phase::kPrepare, 2, s, block_id, 0, {}}));
  }
  CHECK(memo.signatures_made() == 6);
  Encode(own, Message(mine));
  CHECK(memo.signatures_made() == 7);
}

TEST_CASE("only votes past their quorum in the current view are dropped unverified",
          "[driver][votes]") {
  auto vote = [](Phase phase, View view, Seq seq) {
    pb::VoteMsg v;
    v.set_phase(static_cast<uint32_t>(phase));
    v.set_view(view);
    v.set_seq(seq);
    return v;
  };
  UnneededVotes u;
  u.SetView(2);
  CHECK_FALSE(u.Has(vote(Phase::kPrepare, 2, 1)));  // nothing decided yet
  CHECK_FALSE(u.Has(vote(Phase::kCommit, 2, 1)));

  u.Prepared(2, 5);  // this replica sent its COMMIT for (2, 5)
  CHECK(u.Has(vote(Phase::kPrepare, 2, 5)));
  CHECK_FALSE(u.Has(vote(Phase::kCommit, 2, 5)));   // commits are still needed
  CHECK_FALSE(u.Has(vote(Phase::kPrepare, 2, 6)));  // another slot
  CHECK_FALSE(u.Has(vote(Phase::kPrepare, 3, 5)));  // another view: the core may need it

  u.Executed(5);
  CHECK(u.Has(vote(Phase::kCommit, 2, 5)));
  CHECK(u.Has(vote(Phase::kPrepare, 2, 4)));
  CHECK_FALSE(u.Has(vote(Phase::kCommit, 2, 6)));
  CHECK_FALSE(u.Has(vote(Phase::kCommit, 1, 3)));  // old view: may prove a view change

  u.SetView(3);  // after a view change, votes of the old view reach the core again
  CHECK_FALSE(u.Has(vote(Phase::kCommit, 2, 5)));
  CHECK(u.Has(vote(Phase::kCommit, 3, 5)));
}
