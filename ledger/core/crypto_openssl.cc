// OpenSSL 3 EVP implementation of the crypto suites (crypto.h).
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "ledger/core/crypto.h"

namespace fapiao {

std::string_view SuiteName(SuiteId id) {
  switch (id) {
    case SuiteId::kEd25519Sha256:
      return "ed25519-sha256";
    case SuiteId::kSm2Sm3:
      return "sm2-sm3";
  }
  return "unknown";
}

std::optional<SuiteId> ParseSuite(std::string_view name) {
  if (name == "ed25519-sha256") return SuiteId::kEd25519Sha256;
  if (name == "sm2-sm3") return SuiteId::kSm2Sm3;
  return std::nullopt;
}

namespace {

// SM2 signatures use the standard default distinguishing identifier (GM/T 0009).
constexpr char kSm2DefaultId[] = "1234567812345678";
constexpr size_t kSm2DefaultIdLen = 16;

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BioDeleter {
  void operator()(BIO* p) const { BIO_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  ERR_clear_error();
  return buf;
}

class EvpHasher final : public Hasher {
 public:
  explicit EvpHasher(const char* name) : md_(EVP_MD_fetch(nullptr, name, nullptr)) {
    if (md_ == nullptr) std::abort();  // the suite's digest must exist in OpenSSL 3
  }
  ~EvpHasher() override { EVP_MD_free(md_); }
  EvpHasher(const EvpHasher&) = delete;
  EvpHasher& operator=(const EvpHasher&) = delete;

  Hash Digest(ByteView data) const override {
    Hash out;
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &len, md_, nullptr);
    return out;
  }

  Hash DigestParts(std::span<const ByteView> parts) const override {
    thread_local MdCtxPtr ctx(EVP_MD_CTX_new());
    Hash out;
    unsigned int len = 0;
    EVP_DigestInit_ex(ctx.get(), md_, nullptr);
    for (ByteView p : parts) EVP_DigestUpdate(ctx.get(), p.data(), p.size());
    EVP_DigestFinal_ex(ctx.get(), out.data(), &len);
    return out;
  }

  const EVP_MD* md() const { return md_; }

 private:
  EVP_MD* md_;
};

Bytes PublicDer(EVP_PKEY* pkey) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(pkey, &der);
  if (len <= 0) return {};
  Bytes out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

// Binds the SM2 default id to a signing/verifying context (no-op for Ed25519).
bool PrepareContext(SuiteId suite, EVP_PKEY_CTX* pctx) {
  if (suite != SuiteId::kSm2Sm3) return true;
  return EVP_PKEY_CTX_set1_id(pctx, kSm2DefaultId, kSm2DefaultIdLen) > 0;
}

// A signing or verifying context initialised once per key (algorithm fetched,
// SM2 id bound and its Z digest absorbed); each operation works on a copy, which
// costs far less than a fresh initialisation. Copies of a template may be taken
// from several threads at once (the template itself is never modified).
MdCtxPtr MakeTemplate(SuiteId suite, EVP_PKEY* key, bool sign) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const char* md = suite == SuiteId::kSm2Sm3 ? "SM3" : nullptr;
  const int rc =
      sign ? EVP_DigestSignInit_ex(ctx.get(), &pctx, md, nullptr, nullptr, key, nullptr)
           : EVP_DigestVerifyInit_ex(ctx.get(), &pctx, md, nullptr, nullptr, key, nullptr);
  if (rc <= 0 || !PrepareContext(suite, pctx)) {
    ERR_clear_error();
    return nullptr;
  }
  if (suite == SuiteId::kSm2Sm3) {
    // The first update computes Z = SM3(id, curve, public key) and absorbs it.
    const int up =
        sign ? EVP_DigestSignUpdate(ctx.get(), "", 0) : EVP_DigestVerifyUpdate(ctx.get(), "", 0);
    if (up <= 0) {
      ERR_clear_error();
      return nullptr;
    }
  }
  return ctx;
}

// A per-thread scratch context holding a fresh copy of the template.
EVP_MD_CTX* CopyOf(const EVP_MD_CTX* tmpl) {
  thread_local MdCtxPtr scratch(EVP_MD_CTX_new());
  if (EVP_MD_CTX_copy_ex(scratch.get(), tmpl) <= 0) {
    ERR_clear_error();
    return nullptr;
  }
  return scratch.get();
}

class EvpSigner final : public Signer {
 public:
  EvpSigner(SuiteId suite, PkeyPtr key, const Hasher& hasher)
      : suite_(suite),
        key_(std::move(key)),
        der_(PublicDer(key_.get())),
        key_id_(hasher.Digest(der_)) {}

  Bytes Sign(ByteView message) const override {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    const char* md = suite_ == SuiteId::kSm2Sm3 ? "SM3" : nullptr;
    if (EVP_DigestSignInit_ex(ctx.get(), &pctx, md, nullptr, nullptr, key_.get(), nullptr) <= 0 ||
        !PrepareContext(suite_, pctx)) {
      return {};
    }
    size_t len = 0;
    const auto* msg = reinterpret_cast<const unsigned char*>(message.data());
    if (EVP_DigestSign(ctx.get(), nullptr, &len, msg, message.size()) <= 0) return {};
    Bytes sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, msg,
                       message.size()) <= 0) {
      return {};
    }
    sig.resize(len);
    return sig;
  }
  const Bytes& public_key_der() const override { return der_; }
  const Hash& key_id() const override { return key_id_; }

  std::string public_key_pem() const override {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PUBKEY(bio.get(), key_.get());
    return BioString(bio.get());
  }
  std::string private_key_pem() const override {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
    return BioString(bio.get());
  }

 private:
  static std::string BioString(BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<size_t>(len));
  }
  SuiteId suite_;
  PkeyPtr key_;
  Bytes der_;
  Hash key_id_;
  MdCtxPtr template_;
};

class EvpVerifier final : public Verifier {
 public:
  EvpVerifier(SuiteId suite, const Hasher& hasher) : suite_(suite), hasher_(hasher) {}

  Result<Hash> AddKey(ByteView pem_or_der) override {
    PkeyPtr pkey = ParsePublic(pem_or_der);
    if (!pkey)
      return Status::Error("crypto.bad_public_key", "cannot parse public key: " + OpenSslError());
    if (!MatchesSuite(pkey.get())) {
      return Status::Error("crypto.wrong_key_type",
                           "public key is not a " + std::string(SuiteName(suite_)) + " key");
    }
    const Hash id = hasher_.Digest(PublicDer(pkey.get()));
    MdCtxPtr tmpl = MakeTemplate(suite_, pkey.get(), /*sign=*/false);
    if (!tmpl) return Status::Error("crypto.bad_public_key", "public key cannot verify");
    std::unique_lock lock(mu_);
    keys_.try_emplace(id, CachedKey{std::move(pkey), std::move(tmpl)});
    return id;
  }

  bool Verify(const Hash& key_id, ByteView message, ByteView signature) const override {
    const EVP_MD_CTX* tmpl = nullptr;
    {
      std::shared_lock lock(mu_);
      auto it = keys_.find(key_id);
      if (it == keys_.end()) return false;
      tmpl = it->second.tmpl.get();  // entries are never removed: stable after unlock
    }
    return VerifyWith(tmpl, message, signature);
  }

  bool VerifyWithKey(ByteView public_key_der, ByteView message, ByteView signature) override {
    auto id = AddKey(public_key_der);
    if (!id.ok()) return false;
    return Verify(*id, message, signature);
  }

 private:
  static PkeyPtr ParsePublic(ByteView in) {
    if (in.substr(0, 10) == "-----BEGIN") {
      BioPtr bio(BIO_new_mem_buf(in.data(), static_cast<int>(in.size())));
      return PkeyPtr(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    }
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    return PkeyPtr(d2i_PUBKEY(nullptr, &p, static_cast<long>(in.size())));
  }

  bool MatchesSuite(EVP_PKEY* pkey) const {
    return suite_ == SuiteId::kSm2Sm3 ? EVP_PKEY_is_a(pkey, "SM2") : EVP_PKEY_is_a(pkey, "ED25519");
  }

  bool VerifyWith(const EVP_MD_CTX* tmpl, ByteView message, ByteView signature) const {
    EVP_MD_CTX* ctx = CopyOf(tmpl);
    if (ctx == nullptr) return false;
    const auto* msg = reinterpret_cast<const unsigned char*>(message.data());
    const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
    const int rc = suite_ == SuiteId::kSm2Sm3
                       ? (EVP_DigestVerifyUpdate(ctx, msg, message.size()) > 0
                              ? EVP_DigestVerifyFinal(ctx, sig, signature.size())
                              : 0)
                       : EVP_DigestVerify(ctx, sig, signature.size(), msg, message.size());
    if (rc != 1) ERR_clear_error();
    return rc == 1;
  }

  struct CachedKey {
    PkeyPtr pkey;
    MdCtxPtr tmpl;
  };

  SuiteId suite_;
  const Hasher& hasher_;
  mutable std::shared_mutex mu_;
  std::unordered_map<Hash, CachedKey> keys_;
};

class EvpSuite final : public CryptoSuite {
 public:
  explicit EvpSuite(SuiteId id)
      : id_(id), hasher_(id == SuiteId::kSm2Sm3 ? "SM3" : "SHA256"), verifier_(id, hasher_) {}

  SuiteId id() const override { return id_; }
  const Hasher& hasher() const override { return hasher_; }
  Verifier& verifier() override { return verifier_; }

  std::unique_ptr<Signer> GenerateSigner() const override {
    PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, id_ == SuiteId::kSm2Sm3 ? "SM2" : "ED25519"));
    if (!key) std::abort();  // key generation failing means OpenSSL is unusable
    return std::make_unique<EvpSigner>(id_, std::move(key), hasher_);
  }

  Result<std::unique_ptr<Signer>> LoadSigner(std::string_view private_pem) const override {
    BioPtr bio(BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())));
    PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key)
      return Status::Error("crypto.bad_private_key", "cannot parse private key: " + OpenSslError());
    const bool ok = id_ == SuiteId::kSm2Sm3 ? EVP_PKEY_is_a(key.get(), "SM2")
                                            : EVP_PKEY_is_a(key.get(), "ED25519");
    if (!ok) {
      return Status::Error("crypto.wrong_key_type",
                           "private key is not a " + std::string(SuiteName(id_)) + " key");
    }
    return std::unique_ptr<Signer>(std::make_unique<EvpSigner>(id_, std::move(key), hasher_));
  }

  Result<std::unique_ptr<Signer>> SignerFromSeed(ByteView seed) const override {
    if (id_ != SuiteId::kEd25519Sha256) {
      return Status::Error("crypto.unsupported", "seeded keys exist only for ed25519");
    }
    if (seed.size() != 32) return Status::Error("crypto.bad_seed", "an Ed25519 seed is 32 bytes");
    PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                             reinterpret_cast<const unsigned char*>(seed.data()),
                                             seed.size()));
    if (!key) return Status::Error("crypto.bad_seed", OpenSslError());
    return std::unique_ptr<Signer>(std::make_unique<EvpSigner>(id_, std::move(key), hasher_));
  }

 private:
  SuiteId id_;
  EvpHasher hasher_;
  EvpVerifier verifier_;
};

}  // namespace

std::unique_ptr<CryptoSuite> CryptoSuite::Create(SuiteId id) {
  return std::make_unique<EvpSuite>(id);
}

}  // namespace fapiao
