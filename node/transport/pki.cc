// OpenSSL 3 implementation of the transport PKI (pki.h).
#include "node/transport/pki.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "ledger/core/bytes.h"

namespace fapiao::transport {
namespace {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL, X509_CRL_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using AsnIntPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER, ASN1_INTEGER_free>>;
using AsnTimePtr = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME, ASN1_TIME_free>>;

constexpr std::string_view kMemberUriPrefix = "fapiao:member:";

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

Status Fail(std::string code, std::string what) {
  return Status::Error(std::move(code), what + " (" + OpenSslError() + ")");
}

BioPtr MemBio(std::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string DrainBio(BIO* bio) {
  std::string out(BIO_ctrl_pending(bio), '\0');
  int n = BIO_read(bio, out.data(), static_cast<int>(out.size()));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

time_t ToTimeT(SystemTime t) {
  return std::chrono::system_clock::to_time_t(t);
}

Result<X509Ptr> ParseCertPem(std::string_view pem) {
  BioPtr bio = MemBio(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return Fail("pki.bad_certificate", "cannot parse the PEM certificate");
  return cert;
}

Result<PkeyPtr> ParseKeyPem(std::string_view pem) {
  BioPtr bio = MemBio(pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return Fail("pki.bad_key", "cannot parse the PEM private key");
  return key;
}

Result<PkeyPtr> NewEd25519Key() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) return Fail("pki.keygen", "cannot generate an Ed25519 key");
  return key;
}

Status SetSerial(X509* cert, uint64_t serial) {
  AsnIntPtr s(ASN1_INTEGER_new());
  if (!s || ASN1_INTEGER_set_uint64(s.get(), serial) != 1 ||
      X509_set_serialNumber(cert, s.get()) != 1) {
    return Fail("pki.encode", "cannot set the serial number");
  }
  return Status::Ok();
}

Status SetValidity(X509* cert, const Validity& v) {
  if (ASN1_TIME_set(X509_getm_notBefore(cert), ToTimeT(v.not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert), ToTimeT(v.not_after)) == nullptr) {
    return Fail("pki.encode", "cannot set the validity period");
  }
  return Status::Ok();
}

Status SetCommonName(X509_NAME* name, std::string_view cn) {
  if (X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.data()),
                                 static_cast<int>(cn.size()), -1, 0) != 1) {
    return Fail("pki.encode", "cannot set the common name");
  }
  return Status::Ok();
}

Status AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return Fail("pki.encode", "cannot build extension " + value);
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) return Fail("pki.encode", "cannot add extension " + value);
  return Status::Ok();
}

Result<std::string> CertToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return Fail("pki.encode", "cannot write the certificate PEM");
  }
  return DrainBio(bio.get());
}

Result<std::string> KeyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Fail("pki.encode", "cannot write the private key PEM");
  }
  return DrainBio(bio.get());
}

std::string BnHex(const BIGNUM* bn) {
  char* hex = BN_bn2hex(bn);
  if (hex == nullptr) return {};
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

std::string AsnIntegerHex(const ASN1_INTEGER* serial) {
  BnPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  return bn ? BnHex(bn.get()) : std::string();
}

// The member index from the SAN URIs: none -> nullopt; exactly one well-formed -> it.
Result<std::optional<uint32_t>> MemberIndexOf(X509* cert) {
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  std::optional<uint32_t> index;
  Status bad;
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type != GEN_URI) continue;
    std::string_view uri(
        reinterpret_cast<const char*>(ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier)),
        static_cast<size_t>(ASN1_STRING_length(gn->d.uniformResourceIdentifier)));
    if (!uri.starts_with(kMemberUriPrefix)) continue;
    std::string_view digits = uri.substr(kMemberUriPrefix.size());
    uint32_t v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
        (index.has_value() && *index != v)) {
      bad = Status::Error("pki.bad_certificate", "malformed or ambiguous member URI in the SAN");
      break;
    }
    index = v;
  }
  GENERAL_NAMES_free(names);
  if (!bad.ok()) return bad;
  return index;
}

Result<CertificateInfo> Inspect(X509* cert) {
  CertificateInfo info;
  X509_NAME* subject = X509_get_subject_name(cert);
  int pos = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (pos >= 0) {
    unsigned char* utf8 = nullptr;
    int len =
        ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, pos)));
    if (len >= 0) info.common_name.assign(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
    OPENSSL_free(utf8);
  }
  auto index = MemberIndexOf(cert);
  if (!index.ok()) return index.status();
  info.member_index = *index;
  info.serial_hex = AsnIntegerHex(X509_get0_serialNumber(cert));
  unsigned char* spki = nullptr;
  int spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &spki);
  if (spki_len <= 0) return Fail("pki.bad_certificate", "cannot encode the public key");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  int ok =
      EVP_Digest(spki, static_cast<size_t>(spki_len), digest, &digest_len, EVP_sha256(), nullptr);
  OPENSSL_free(spki);
  if (ok != 1) return Fail("pki.bad_certificate", "cannot hash the public key");
  info.key_id = ToHex(ByteView(reinterpret_cast<const char*>(digest), digest_len));
  return info;
}

}  // namespace

Validity ValidFor(std::chrono::seconds duration, SystemTime now) {
  return Validity{now - std::chrono::hours(1), now + duration};
}

Result<CertifiedKey> GenerateCa(std::string_view common_name, uint64_t serial,
                                const Validity& validity) {
  auto key = NewEd25519Key();
  if (!key.ok()) return key.status();
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    return Fail("pki.encode", "cannot allocate a certificate");
  }
  Status st = SetSerial(cert.get(), serial);
  if (st.ok()) st = SetValidity(cert.get(), validity);
  if (st.ok()) st = SetCommonName(X509_get_subject_name(cert.get()), common_name);
  if (!st.ok()) return st;
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1 ||
      X509_set_pubkey(cert.get(), key->get()) != 1) {
    return Fail("pki.encode", "cannot set issuer or public key");
  }
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                            std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"},
                            std::pair{NID_subject_key_identifier, "hash"}}) {
    st = AddExtension(cert.get(), cert.get(), nid, value);
    if (!st.ok()) return st;
  }
  if (X509_sign(cert.get(), key->get(), nullptr) <= 0) {
    return Fail("pki.sign", "cannot self-sign the CA certificate");
  }
  auto cert_pem = CertToPem(cert.get());
  if (!cert_pem.ok()) return cert_pem.status();
  auto key_pem = KeyToPem(key->get());
  if (!key_pem.ok()) return key_pem.status();
  return CertifiedKey{std::move(*cert_pem), std::move(*key_pem)};
}

Result<CertifiedKey> IssueNodeCertificate(const CertifiedKey& ca, const NodeCertRequest& request) {
  auto ca_cert = ParseCertPem(ca.cert_pem);
  if (!ca_cert.ok()) return ca_cert.status();
  auto ca_key = ParseKeyPem(ca.key_pem);
  if (!ca_key.ok()) return ca_key.status();
  auto key = NewEd25519Key();
  if (!key.ok()) return key.status();
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    return Fail("pki.encode", "cannot allocate a certificate");
  }
  Status st = SetSerial(cert.get(), request.serial);
  if (st.ok()) st = SetValidity(cert.get(), request.validity);
  if (st.ok()) st = SetCommonName(X509_get_subject_name(cert.get()), request.member_name);
  if (!st.ok()) return st;
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert->get())) != 1 ||
      X509_set_pubkey(cert.get(), key->get()) != 1) {
    return Fail("pki.encode", "cannot set issuer or public key");
  }
  const std::string san =
      "URI:" + std::string(kMemberUriPrefix) + std::to_string(request.member_index);
  for (auto [nid, value] : {std::pair{NID_basic_constraints, std::string("critical,CA:FALSE")},
                            std::pair{NID_key_usage, std::string("critical,digitalSignature")},
                            std::pair{NID_ext_key_usage, std::string("serverAuth,clientAuth")},
                            std::pair{NID_subject_key_identifier, std::string("hash")},
                            std::pair{NID_authority_key_identifier, std::string("keyid")},
                            std::pair{NID_subject_alt_name, san}}) {
    st = AddExtension(cert.get(), ca_cert->get(), nid, value);
    if (!st.ok()) return st;
  }
  if (X509_sign(cert.get(), ca_key->get(), nullptr) <= 0) {
    return Fail("pki.sign", "cannot sign the node certificate");
  }
  auto cert_pem = CertToPem(cert.get());
  if (!cert_pem.ok()) return cert_pem.status();
  auto key_pem = KeyToPem(key->get());
  if (!key_pem.ok()) return key_pem.status();
  return CertifiedKey{std::move(*cert_pem), std::move(*key_pem)};
}

Result<std::string> GenerateCrl(const CertifiedKey& ca,
                                const std::vector<uint64_t>& revoked_serials,
                                SystemTime this_update, SystemTime next_update) {
  auto ca_cert = ParseCertPem(ca.cert_pem);
  if (!ca_cert.ok()) return ca_cert.status();
  auto ca_key = ParseKeyPem(ca.key_pem);
  if (!ca_key.ok()) return ca_key.status();
  CrlPtr crl(X509_CRL_new());
  AsnTimePtr last(ASN1_TIME_set(nullptr, ToTimeT(this_update)));
  AsnTimePtr next(ASN1_TIME_set(nullptr, ToTimeT(next_update)));
  if (!crl || !last || !next || X509_CRL_set_version(crl.get(), 1) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca_cert->get())) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1) {
    return Fail("pki.encode", "cannot build the CRL");
  }
  for (uint64_t serial : revoked_serials) {
    X509_REVOKED* entry = X509_REVOKED_new();
    AsnIntPtr s(ASN1_INTEGER_new());
    bool ok = entry != nullptr && s && ASN1_INTEGER_set_uint64(s.get(), serial) == 1 &&
              X509_REVOKED_set_serialNumber(entry, s.get()) == 1 &&
              X509_REVOKED_set_revocationDate(entry, last.get()) == 1 &&
              X509_CRL_add0_revoked(crl.get(), entry) == 1;
    if (!ok) {
      X509_REVOKED_free(entry);
      return Fail("pki.encode", "cannot add a revoked serial");
    }
  }
  if (X509_CRL_sort(crl.get()) != 1 || X509_CRL_sign(crl.get(), ca_key->get(), nullptr) <= 0) {
    return Fail("pki.sign", "cannot sign the CRL");
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_CRL(bio.get(), crl.get()) != 1) {
    return Fail("pki.encode", "cannot write the CRL PEM");
  }
  return DrainBio(bio.get());
}

Result<CertificateInfo> InspectCertificatePem(std::string_view cert_pem) {
  auto cert = ParseCertPem(cert_pem);
  if (!cert.ok()) return cert.status();
  return Inspect(cert->get());
}

Result<CertificateInfo> InspectCertificateDer(std::string_view cert_der) {
  const auto* p = reinterpret_cast<const unsigned char*>(cert_der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(cert_der.size())));
  if (!cert) return Fail("pki.bad_certificate", "cannot parse the DER certificate");
  return Inspect(cert.get());
}

Result<std::string> KeyIdOfCertificate(std::string_view cert_pem) {
  auto info = InspectCertificatePem(cert_pem);
  if (!info.ok()) return info.status();
  return std::move(info->key_id);
}

std::string SerialHex(uint64_t serial) {
  AsnIntPtr s(ASN1_INTEGER_new());
  ASN1_INTEGER_set_uint64(s.get(), serial);
  return AsnIntegerHex(s.get());
}

Result<std::set<std::string>> LoadRevokedSerials(std::string_view crl_pem,
                                                 std::string_view ca_cert_pem) {
  auto ca_cert = ParseCertPem(ca_cert_pem);
  if (!ca_cert.ok()) return ca_cert.status();
  BioPtr bio = MemBio(crl_pem);
  CrlPtr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  if (!crl) return Fail("pki.bad_crl", "cannot parse the PEM CRL");
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(ca_cert->get())) != 0 ||
      X509_CRL_verify(crl.get(), X509_get0_pubkey(ca_cert->get())) != 1) {
    return Fail("pki.bad_crl", "the CRL is not signed by the consortium CA");
  }
  std::set<std::string> out;
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
  for (int i = 0; revoked != nullptr && i < sk_X509_REVOKED_num(revoked); ++i) {
    out.insert(AsnIntegerHex(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i))));
  }
  return out;
}

Result<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("pki.io", "cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::Error("pki.io", "cannot read " + path);
  return ss.str();
}

Status WriteTextFileAtomic(const std::string& path, std::string_view content) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out.flush()) return Status::Error("pki.io", "cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::Error("pki.io", "cannot rename " + tmp + " to " + path);
  }
  return Status::Ok();
}

}  // namespace fapiao::transport
