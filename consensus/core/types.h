// Value types of the PBFT core: replica ids, views, sequence numbers, request
// references, blocks (ordered request lists), votes, certificates and the five
// protocol messages. Plain values owned by whoever holds them; no shared state;
// thread-safe to copy. Signatures are opaque bytes produced and checked by the driver.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/types.h"

namespace fapiao::consensus {

using ReplicaId = uint32_t;  // index 0..n-1 in the genesis member list
using View = uint64_t;
using Seq = uint64_t;  // sequence number == block height

// A client request is named by (member, sequence): executed at most once.
struct RequestId {
  uint32_t member = 0;
  uint64_t seq = 0;
  friend bool operator==(const RequestId&, const RequestId&) = default;
  friend auto operator<=>(const RequestId&, const RequestId&) = default;
};

struct RequestIdHash {
  size_t operator()(const RequestId& r) const noexcept {
    uint64_t x = (uint64_t{r.member} << 40) ^ r.seq;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return static_cast<size_t>(x);
  }
};

// What the core orders: the id, the digest of the signed request (or batch)
// bytes and its size. The bytes themselves stay in the driver's mempool.
struct RequestRef {
  RequestId id;
  Hash digest;
  uint32_t bytes = 0;
  friend bool operator==(const RequestRef&, const RequestRef&) = default;
};

// A proposal: requests in order, plus (in the node) the serialized ledger
// BlockHeader the primary made for it (consensus/core/header_source.h). An empty
// block (no header, no requests) is a null block (view-change gap filler).
struct Block {
  Bytes header;
  std::vector<RequestRef> requests;
  friend bool operator==(const Block&, const Block&) = default;
};

enum class Phase : uint8_t { kPrepare = 1, kCommit = 2 };

// PREPARE or COMMIT for (view, seq, digest). The primary also sends a PREPARE.
struct Vote {
  Phase phase = Phase::kPrepare;
  View view = 0;
  Seq seq = 0;
  Hash digest;
  ReplicaId sender = 0;
  Bytes sig;
};

// Proposal of block `block` (whose digest is `digest`) at (view, seq) by primary(view).
struct PrePrepare {
  View view = 0;
  Seq seq = 0;
  Hash digest;
  Block block;
  ReplicaId sender = 0;
  Bytes sig;
};

// "I executed up to seq and my result root is root."
struct Checkpoint {
  Seq seq = 0;
  Hash root;
  ReplicaId sender = 0;
  Bytes sig;
};

// quorum COMMIT votes for one (view, seq, digest): the proof a block is committed.
struct CommitCert {
  View view = 0;
  Seq seq = 0;
  Hash digest;
  std::vector<Vote> commits;
};

// quorum PREPARE votes for (view, seq, digest) plus the block they prepared.
struct PreparedCert {
  View view = 0;
  Seq seq = 0;
  Hash digest;
  Block block;
  std::vector<Vote> prepares;
};

// quorum matching CHECKPOINT messages; seq 0 is the genesis checkpoint and needs none.
struct CheckpointCert {
  Seq seq = 0;
  Hash root;
  std::vector<Checkpoint> votes;
};

// "I leave for view `view`": my stable checkpoint and every prepared certificate above it.
struct ViewChange {
  View view = 0;
  ReplicaId sender = 0;
  CheckpointCert stable;
  std::vector<PreparedCert> prepared;
  Bytes sig;
};

// Sent by primary(view): the quorum of VIEW-CHANGEs it starts the view from. Every
// replica recomputes the re-proposals from them (see docs/consensus.md).
struct NewView {
  View view = 0;
  ReplicaId sender = 0;
  std::vector<ViewChange> view_changes;
  Bytes sig;
};

using Message = std::variant<PrePrepare, Vote, Checkpoint, ViewChange, NewView>;

}  // namespace fapiao::consensus
