// PKI and the identity rule.
// Scenarios: a node certificate carries CN, SAN member index, serial and a key id that matches
// its SPKI; it chains to its CA (OpenSSL verification) and not to a foreign one; an expired one
// fails verification; a CA has keyCertSign/cRLSign; CRLs list serials and must be signed by the
// CA; malformed input gives stable codes; PeerAuthority accepts only the configured member with
// the configured key and refuses revoked, unknown, mismatched or unexpected certificates.
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>

#include "node/transport/peer_auth.h"
#include "node/transport/pki.h"
#include "tests/transport/pki_fixture.h"

namespace fapiao::transport {
namespace {

using testing::Member;
using testing::TestPki;

X509* ParsePem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

// OpenSSL's own chain + validity verification of `leaf` against `ca`.
int VerifyWithOpenSsl(const std::string& ca, const std::string& leaf) {
  X509* ca_cert = ParsePem(ca);
  X509* leaf_cert = ParsePem(leaf);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca_cert);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf_cert, nullptr);
  X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
  int ok = X509_verify_cert(ctx);
  int err = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  X509_free(leaf_cert);
  X509_free(ca_cert);
  return err;
}

TEST_CASE("a node certificate binds member name, index, serial and key", "[pki]") {
  TestPki pki;
  Member m2 = pki.Issue(2);
  Member m3 = pki.Issue(3);
  auto info = InspectCertificatePem(m2.cert.cert_pem);
  REQUIRE(info.ok());
  CHECK(info->common_name == "member-2");
  REQUIRE(info->member_index == std::optional<uint32_t>(2));
  CHECK(info->serial_hex == SerialHex(m2.serial));
  CHECK(info->key_id.size() == 64);
  CHECK(info->key_id == m2.key_id);
  CHECK(m2.key_id != m3.key_id);
  CHECK(SerialHex(255) == "FF");

  X509* cert = ParsePem(m2.cert.cert_pem);
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  auto from_der =
      InspectCertificateDer(std::string(reinterpret_cast<char*>(der), static_cast<size_t>(len)));
  OPENSSL_free(der);
  REQUIRE(from_der.ok());
  CHECK(from_der->key_id == m2.key_id);
  CHECK(X509_check_ca(cert) == 0);
  X509_free(cert);

  X509* ca = ParsePem(pki.ca().cert_pem);
  CHECK(X509_check_ca(ca) == 1);
  const uint32_t usage = X509_get_key_usage(ca);
  CHECK((usage & KU_KEY_CERT_SIGN) != 0);
  CHECK((usage & KU_CRL_SIGN) != 0);
  X509_free(ca);
}

TEST_CASE("certificates chain to their own CA only and expire", "[pki]") {
  TestPki pki;
  TestPki foreign("foreign CA");
  Member good = pki.Issue(1);
  Member expired = pki.Issue(2, /*expired=*/true);
  Member stranger = foreign.Issue(1);
  CHECK(VerifyWithOpenSsl(pki.ca().cert_pem, good.cert.cert_pem) == X509_V_OK);
  CHECK(VerifyWithOpenSsl(pki.ca().cert_pem, expired.cert.cert_pem) == X509_V_ERR_CERT_HAS_EXPIRED);
  CHECK(VerifyWithOpenSsl(pki.ca().cert_pem, stranger.cert.cert_pem) ==
        X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

TEST_CASE("a CRL lists revoked serials and must come from the CA", "[pki]") {
  TestPki pki;
  TestPki foreign("foreign CA");
  auto revoked = LoadRevokedSerials(pki.Crl({7, 300}), pki.ca().cert_pem);
  REQUIRE(revoked.ok());
  CHECK(*revoked == std::set<std::string>{SerialHex(7), SerialHex(300)});
  auto empty = LoadRevokedSerials(pki.Crl({}), pki.ca().cert_pem);
  REQUIRE(empty.ok());
  CHECK(empty->empty());
  CHECK(LoadRevokedSerials(foreign.Crl({7}), pki.ca().cert_pem).status().code() == "pki.bad_crl");
  CHECK(LoadRevokedSerials("not a crl", pki.ca().cert_pem).status().code() == "pki.bad_crl");
}

TEST_CASE("malformed PEM gives stable codes", "[pki]") {
  TestPki pki;
  CHECK(InspectCertificatePem("garbage").status().code() == "pki.bad_certificate");
  CHECK(InspectCertificateDer(std::string(10, '\x30')).status().code() == "pki.bad_certificate");
  CHECK(KeyIdOfCertificate("").status().code() == "pki.bad_certificate");
  CertifiedKey broken{pki.ca().cert_pem, "not a key"};
  CHECK(IssueNodeCertificate(
            broken,
            {"member-1", 1, 5, ValidFor(std::chrono::hours(1), std::chrono::system_clock::now())})
            .status()
            .code() == "pki.bad_key");
  CHECK(ReadTextFile("/nonexistent/fapiao/crl.pem").status().code() == "pki.io");
}

TEST_CASE("PeerAuthority admits only the configured member with its key", "[pki]") {
  TestPki pki;
  Member m1 = pki.Issue(1), m2 = pki.Issue(2), other2 = pki.Issue(2), m9 = pki.Issue(9);
  PeerAuthority auth(0, {{1, {m1.name, m1.key_id}}, {2, {m2.name, m2.key_id}}});
  auto info = [](const Member& m) { return InspectCertificatePem(m.cert.cert_pem).value(); };

  REQUIRE(auth.Authenticate(info(m1), std::nullopt).ok());
  CHECK(auth.Authenticate(info(m1), std::nullopt).value() == 1);
  CHECK(auth.Authenticate(info(m2), 2u).value() == 2);
  CHECK(auth.Authenticate(info(m2), 1u).status().code() == "transport.wrong_member");
  CHECK(auth.Authenticate(info(other2), std::nullopt).status().code() == "transport.key_mismatch");
  CHECK(auth.Authenticate(info(m9), std::nullopt).status().code() == "transport.unknown_member");
  CertificateInfo renamed = info(m1);
  renamed.common_name = "member-2";
  CHECK(auth.Authenticate(renamed, std::nullopt).status().code() == "transport.name_mismatch");
  CertificateInfo self = info(m1);
  self.member_index = 0;
  CHECK(auth.Authenticate(self, std::nullopt).status().code() == "transport.unknown_member");

  auth.SetRevoked({SerialHex(m1.serial)});
  CHECK(auth.Authenticate(info(m1), std::nullopt).status().code() == "transport.revoked");
  CHECK(auth.Authenticate(info(m2), std::nullopt).ok());
  auth.SetRevoked({});
  CHECK(auth.Authenticate(info(m1), std::nullopt).ok());
}

}  // namespace
}  // namespace fapiao::transport
