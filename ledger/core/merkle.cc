#include "ledger/core/merkle.h"

#include <array>
#include <cassert>

namespace fapiao {

namespace {
constexpr char kLeafPrefix = '\x00';
constexpr char kNodePrefix = '\x01';
}  // namespace

Hash MerkleLeafHash(const Hasher& hasher, ByteView leaf_data) {
  const std::array<ByteView, 2> parts{ByteView(&kLeafPrefix, 1), leaf_data};
  return hasher.DigestParts(parts);
}

Hash MerkleNodeHash(const Hasher& hasher, const Hash& left, const Hash& right) {
  const std::array<ByteView, 3> parts{ByteView(&kNodePrefix, 1), left.view(), right.view()};
  return hasher.DigestParts(parts);
}

// Level-by-level pairing in which an unpaired last node is promoted unchanged
// builds exactly the RFC 6962 tree (left subtree = largest power of two < n).
Hash MerkleRoot(const Hasher& hasher, std::span<const Hash> leaf_hashes) {
  if (leaf_hashes.empty()) return hasher.Digest(ByteView());
  std::vector<Hash> level(leaf_hashes.begin(), leaf_hashes.end());
  while (level.size() > 1) {
    size_t out = 0;
    for (size_t i = 0; i + 1 < level.size(); i += 2) {
      level[out++] = MerkleNodeHash(hasher, level[i], level[i + 1]);
    }
    if (level.size() % 2 == 1) level[out++] = level.back();
    level.resize(out);
  }
  return level[0];
}

Hash MerkleRootOfData(const Hasher& hasher, std::span<const Bytes> leaves) {
  std::vector<Hash> hashes;
  hashes.reserve(leaves.size());
  for (const auto& l : leaves) hashes.push_back(MerkleLeafHash(hasher, l));
  return MerkleRoot(hasher, hashes);
}

std::vector<Hash> MerkleInclusionProof(const Hasher& hasher, std::span<const Hash> leaf_hashes,
                                       uint64_t index) {
  assert(index < leaf_hashes.size());
  std::vector<Hash> proof;
  std::vector<Hash> level(leaf_hashes.begin(), leaf_hashes.end());
  while (level.size() > 1) {
    const uint64_t sibling = index ^ 1;
    if (sibling < level.size()) proof.push_back(level[sibling]);
    size_t out = 0;
    for (size_t i = 0; i + 1 < level.size(); i += 2) {
      level[out++] = MerkleNodeHash(hasher, level[i], level[i + 1]);
    }
    if (level.size() % 2 == 1) level[out++] = level.back();
    level.resize(out);
    index >>= 1;
  }
  return proof;
}

bool MerkleVerifyInclusion(const Hasher& hasher, const Hash& leaf_hash, uint64_t index,
                           uint64_t size, std::span<const Hash> proof, const Hash& root) {
  if (index >= size) return false;
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      r = MerkleNodeHash(hasher, p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = MerkleNodeHash(hasher, r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

}  // namespace fapiao
