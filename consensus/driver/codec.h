// Codec between the core's messages (consensus/core/types.h) and the wire
// (proto/p2p.proto), with signing and verification at the boundary: Encode
// signs every own vote, checkpoint and message whose signature is still empty;
// Decode checks structure and every signature (also of votes relayed inside
// certificates) and returns only fully verified messages (habit 9).
// Stateless apart from the borrowed crypto; thread-safe (Decode runs on workers).
#pragma once

#include <span>
#include <string>

#include "consensus/core/events.h"
#include "consensus/core/types.h"
#include "ledger/core/crypto.h"
#include "ledger/core/status.h"
#include "proto/ledger.pb.h"
#include "proto/p2p.pb.h"

namespace fapiao::consensus {

// verifier == nullptr skips signature checks (only for the replica's own WAL).
struct CodecContext {
  std::string chain_id;
  uint32_t n = 0;
  const Hasher* hasher = nullptr;
  const Verifier* verifier = nullptr;
  std::span<const Hash> member_keys;  // key id per replica
  const Signer* signer = nullptr;     // own key (Encode only)
  ReplicaId self = 0;
};

// Fills in own signatures and converts to the wire.
pb::PeerMessage Encode(const CodecContext& ctx, const Message& msg);

// Verifies and converts. `from` is the transport-authenticated sender: a
// message's sender field must equal it. Error codes: p2p.*.
Result<Message> Decode(const CodecContext& ctx, ReplicaId from, const pb::PeerMessage& wire);

// WAL records (own data: decoded without signature checks).
pb::WalRecord EncodeRecord(const CodecContext& ctx, const Record& record);
Result<Record> DecodeRecord(const CodecContext& ctx, const pb::WalRecord& record);

// Block and certificate conversions used by execution and catch-up.
pb::CoreBlock ToWire(const Block& b);
Result<Block> FromWire(const pb::CoreBlock& b);
// The core block of a stored ledger block: its header and one request per batch
// (member, batch sequence, batch leaf hash, size).
Result<Block> CoreBlockOf(const Hasher& hasher, const pb::Block& block);
// A ledger commit certificate from the core's (own empty signatures filled in).
pb::CommitCertificate ToLedgerCert(const CodecContext& ctx, const CommitCert& cert);
// Verifies a ledger certificate's signatures and converts it for the core.
Result<CommitCert> FromLedgerCert(const CodecContext& ctx, const pb::CommitCertificate& cert);

}  // namespace fapiao::consensus
