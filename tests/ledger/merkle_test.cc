// Merkle trees against a naive RFC 6962 implementation.
// Scenarios:
//   - Roots equal the recursive MTH definition for every size 1..1000.
//   - Audit paths equal the recursive PATH definition (every index up to 64
//     leaves, sampled indices above) and verify.
//   - Every tampered proof is rejected: flipped bytes, wrong index or size,
//     truncated or extended path, another root, another leaf.
#include <catch2/catch.hpp>

#include <random>

#include "ledger/core/merkle.h"

using namespace fapiao;

namespace {

const Hasher& Sha() {
  static auto suite = CryptoSuite::Create(SuiteId::kEd25519Sha256);
  return suite->hasher();
}

size_t SplitPoint(size_t n) {
  size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash NaiveRoot(std::span<const Bytes> d) {
  if (d.empty()) return Sha().Digest("");
  if (d.size() == 1) return Sha().Digest(Bytes(1, '\0') + d[0]);
  const size_t k = SplitPoint(d.size());
  return Sha().Digest(Bytes(1, '\1') + NaiveRoot(d.subspan(0, k)).ToBytes() +
                      NaiveRoot(d.subspan(k)).ToBytes());
}

std::vector<Hash> NaivePath(size_t m, std::span<const Bytes> d) {
  if (d.size() <= 1) return {};
  const size_t k = SplitPoint(d.size());
  std::vector<Hash> p;
  if (m < k) {
    p = NaivePath(m, d.subspan(0, k));
    p.push_back(NaiveRoot(d.subspan(k)));
  } else {
    p = NaivePath(m - k, d.subspan(k));
    p.push_back(NaiveRoot(d.subspan(0, k)));
  }
  return p;
}

std::vector<Bytes> Leaves(size_t n) {
  std::vector<Bytes> v;
  for (size_t i = 0; i < n; ++i) v.push_back("leaf-" + std::to_string(i));
  return v;
}

std::vector<Hash> LeafHashes(const std::vector<Bytes>& d) {
  std::vector<Hash> h;
  for (const auto& x : d) h.push_back(MerkleLeafHash(Sha(), x));
  return h;
}

}  // namespace

TEST_CASE("Merkle root equals the RFC 6962 definition for sizes 1..1000", "[merkle]") {
  const auto all = Leaves(1000);
  const auto all_hashes = LeafHashes(all);
  for (size_t n = 1; n <= 1000; ++n) {
    std::span<const Bytes> d(all.data(), n);
    std::span<const Hash> h(all_hashes.data(), n);
    INFO("size " << n);
    REQUIRE(MerkleRoot(Sha(), h) == NaiveRoot(d));
  }
  CHECK(MerkleRoot(Sha(), {}) == Sha().Digest(""));
  CHECK(MerkleRootOfData(Sha(), all) == NaiveRoot(all));
}

TEST_CASE("inclusion proofs equal RFC 6962 PATH and verify", "[merkle]") {
  const uint32_t seed = 6962;
  std::mt19937 rng(seed);
  INFO("seed " << seed);
  const auto all = Leaves(1000);
  const auto all_hashes = LeafHashes(all);
  for (size_t n = 1; n <= 1000; n += (n < 64 ? 1 : 37)) {
    std::span<const Bytes> d(all.data(), n);
    std::span<const Hash> h(all_hashes.data(), n);
    const Hash root = MerkleRoot(Sha(), h);
    std::vector<size_t> indices;
    if (n <= 64) {
      for (size_t i = 0; i < n; ++i) indices.push_back(i);
    } else {
      indices = {0, n - 1, n / 2, rng() % n, rng() % n};
    }
    for (size_t m : indices) {
      INFO("size " << n << " index " << m);
      const auto proof = MerkleInclusionProof(Sha(), h, m);
      REQUIRE(proof == NaivePath(m, d));
      REQUIRE(MerkleVerifyInclusion(Sha(), h[m], m, n, proof, root));
    }
  }
}

TEST_CASE("every tampered inclusion proof is rejected", "[merkle]") {
  const auto d = Leaves(37);
  const auto h = LeafHashes(d);
  const Hash root = MerkleRoot(Sha(), h);
  for (uint64_t m : {0u, 5u, 31u, 32u, 36u}) {
    INFO("index " << m);
    const auto proof = MerkleInclusionProof(Sha(), h, m);
    REQUIRE(MerkleVerifyInclusion(Sha(), h[m], m, 37, proof, root));
    for (size_t p = 0; p < proof.size(); ++p) {
      for (size_t byte = 0; byte < Hash::kSize; byte += 7) {
        auto bad = proof;
        bad[p].data()[byte] ^= 0x04;
        CHECK_FALSE(MerkleVerifyInclusion(Sha(), h[m], m, 37, bad, root));
      }
    }
    CHECK_FALSE(MerkleVerifyInclusion(Sha(), h[m], m ^ 1, 37, proof, root));
    if (m == 36) {
      // A size that changes the path's shape is refused. (A size with the same
      // shape proves the same thing; the size itself is bound by the signed header.)
      CHECK_FALSE(MerkleVerifyInclusion(Sha(), h[m], m, 36, proof, root));
      CHECK_FALSE(MerkleVerifyInclusion(Sha(), h[m], m, 38, proof, root));
      CHECK_FALSE(MerkleVerifyInclusion(Sha(), h[m], m, 64, proof, root));
    }
    CHECK_FALSE(MerkleVerifyInclusion(Sha(), h[m], 37, 37, proof, root));
    auto shorter = proof;
    shorter.pop_back();
    CHECK_FALSE(MerkleVerifyInclusion(Sha(), h[m], m, 37, shorter, root));
    auto longer = proof;
    longer.push_back(root);
    CHECK_FALSE(MerkleVerifyInclusion(Sha(), h[m], m, 37, longer, root));
    CHECK_FALSE(MerkleVerifyInclusion(Sha(), h[(m + 1) % 37], m, 37, proof, root));
    CHECK_FALSE(MerkleVerifyInclusion(Sha(), h[m], m, 37, proof, h[0]));
    // A leaf's raw data hashed as a node (second-preimage attempt) is not a leaf.
    CHECK(MerkleLeafHash(Sha(), d[m]) != Sha().Digest(d[m]));
  }
}
