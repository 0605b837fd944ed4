// RFC 6962 Merkle trees with domain separation: leaf = H(0x00 || data),
// node = H(0x01 || left || right); the empty tree's root is H(""). Inclusion
// proofs are audit paths ordered from the leaf upwards and verified with the
// RFC 9162 algorithm. Pure functions over a Hasher; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/crypto.h"
#include "ledger/core/types.h"

namespace fapiao {

Hash MerkleLeafHash(const Hasher& hasher, ByteView leaf_data);
Hash MerkleNodeHash(const Hasher& hasher, const Hash& left, const Hash& right);

// Root over already-hashed leaves.
Hash MerkleRoot(const Hasher& hasher, std::span<const Hash> leaf_hashes);
// Root over raw leaf data (hashes each leaf first).
Hash MerkleRootOfData(const Hasher& hasher, std::span<const Bytes> leaves);

// Audit path for leaf `index`. REQUIRES: index < leaf_hashes.size().
std::vector<Hash> MerkleInclusionProof(const Hasher& hasher, std::span<const Hash> leaf_hashes,
                                       uint64_t index);

// True iff `proof` proves leaf_hash is leaf `index` of a tree of `size` leaves with `root`.
bool MerkleVerifyInclusion(const Hasher& hasher, const Hash& leaf_hash, uint64_t index,
                           uint64_t size, std::span<const Hash> proof, const Hash& root);

}  // namespace fapiao
