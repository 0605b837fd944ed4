// Blocks and commit certificates (docs/formats.md). A block is a serialized
// BlockHeader plus its signed batches; block id = H("fapiao/block/v1\0" ||
// header bytes as received). A commit certificate holds at least
// CertificateQuorum(n) distinct member signatures over the commit statement.
// Pure functions; thread-safe given a thread-safe Verifier.
#pragma once

#include <span>
#include <vector>

#include "ledger/core/batch.h"
#include "ledger/core/crypto.h"
#include "ledger/core/status.h"
#include "ledger/core/types.h"
#include "proto/ledger.pb.h"

namespace fapiao {

inline constexpr std::string_view kBlockDomain{"fapiao/block/v1\0", 16};
inline constexpr std::string_view kCommitDomain{"fapiao/commit/v1\0", 17};

// Largest f with n >= 3f + 1.
inline uint32_t MaxFaulty(uint32_t n) {
  return n == 0 ? 0 : (n - 1) / 3;
}
// Smallest quorum whose any two intersect in at least f+1 members:
// ceil((n + f + 1) / 2); equals 2f+1 when n = 3f+1.
inline uint32_t CertificateQuorum(uint32_t n) {
  return (n + MaxFaulty(n) + 2) / 2;
}

Hash BlockId(const Hasher& hasher, ByteView header_bytes);

// Merkle root over the batches' leaf data (BatchLeafData).
Hash BatchRoot(const Hasher& hasher,
               const google::protobuf::RepeatedPtrField<pb::SignedBatch>& batches);

struct BlockFields {
  std::string chain_id;
  uint64_t height = 0;
  Hash prev_hash;
  Hash result_root;
  uint64_t timestamp_ms = 0;
  uint64_t view = 0;
  uint32_t proposer = 0;
  uint64_t anchor_height = 0;
};
// Builds a block (header filled from fields, batch root and counts computed).
pb::Block MakeBlock(const Hasher& hasher, const BlockFields& fields,
                    std::vector<pb::SignedBatch> batches);

// Structural checks of an untrusted block (header parses, chain id, counts,
// batch root). Does not verify batch signatures (VerifyBatch does).
Result<pb::BlockHeader> CheckBlock(const Hasher& hasher, std::string_view chain_id,
                                   const pb::Block& block);

// The statement members sign to commit a block:
// kCommitDomain || len-prefixed chain id || u64 view || u64 height || block id.
Bytes CommitStatement(std::string_view chain_id, uint64_t view, uint64_t height,
                      const Hash& block_id);

// Verifies a certificate for (height, block_id): at least CertificateQuorum(n)
// votes from distinct known members, each a valid signature over the statement.
Status VerifyCertificate(const Verifier& verifier, std::span<const Hash> member_keys,
                         std::string_view chain_id, uint64_t height, const Hash& block_id,
                         const pb::CommitCertificate& cert);

}  // namespace fapiao
