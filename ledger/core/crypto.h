// Crypto suites behind the Hasher / Signer / Verifier seams. A suite is chosen
// chain-wide at genesis: "ed25519-sha256" (default) or "sm2-sm3" (SM2 with the
// standard default user id "1234567812345678", SM3). Implemented with OpenSSL 3 EVP.
// Keys travel as PEM (PKCS#8 private, SubjectPublicKeyInfo public); the
// canonical public key bytes are the SPKI DER, and a key id is the suite hash of them.
// Thread safety: Hasher and Signer are immutable after creation and safe to share;
// Verifier's key cache is internally synchronised (many readers, rare writers).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ledger/core/bytes.h"
#include "ledger/core/status.h"
#include "ledger/core/types.h"

namespace fapiao {

enum class SuiteId : uint8_t { kEd25519Sha256 = 1, kSm2Sm3 = 2 };
std::string_view SuiteName(SuiteId id);
std::optional<SuiteId> ParseSuite(std::string_view name);

class Hasher {
 public:
  virtual ~Hasher() = default;
  virtual Hash Digest(ByteView data) const = 0;
  // Digest of the concatenation of parts, without building it.
  virtual Hash DigestParts(std::span<const ByteView> parts) const = 0;
};

class Signer {
 public:
  virtual ~Signer() = default;
  virtual Bytes Sign(ByteView message) const = 0;
  virtual const Bytes& public_key_der() const = 0;
  virtual const Hash& key_id() const = 0;
  virtual std::string public_key_pem() const = 0;
  virtual std::string private_key_pem() const = 0;
};

class Verifier {
 public:
  virtual ~Verifier() = default;
  // Parses and caches a public key (PEM or SPKI DER); returns its key id.
  virtual Result<Hash> AddKey(ByteView pem_or_der) = 0;
  // False if the key id is unknown or the signature does not verify.
  virtual bool Verify(const Hash& key_id, ByteView message, ByteView signature) const = 0;
  // Verifies with a key given by its DER bytes, parsing and caching it on first use.
  virtual bool VerifyWithKey(ByteView public_key_der, ByteView message, ByteView signature) = 0;
};

// One chain's crypto: its hasher, a verifier with a key cache, and key handling.
class CryptoSuite {
 public:
  virtual ~CryptoSuite() = default;
  static std::unique_ptr<CryptoSuite> Create(SuiteId id);

  virtual SuiteId id() const = 0;
  virtual const Hasher& hasher() const = 0;
  virtual Verifier& verifier() = 0;
  virtual std::unique_ptr<Signer> GenerateSigner() const = 0;
  virtual Result<std::unique_ptr<Signer>> LoadSigner(std::string_view private_pem) const = 0;
  // Ed25519 only: a signer from the 32-byte RFC 8032 seed (for known-answer tests).
  virtual Result<std::unique_ptr<Signer>> SignerFromSeed(ByteView seed) const = 0;
};

}  // namespace fapiao
