// PKI for the peer transport (docs/transport.md): a consortium CA, node certificates that bind a
// member (CN = member name, SAN URI fapiao:member:<index>) to its own Ed25519 TLS key, CRLs, and
// the key id = hex SHA-256 of a certificate's SubjectPublicKeyInfo DER. PEM in and out.
// Pure functions over values: callers supply the times (no clock read here). Thread-safe.
// Errors are Status codes pki.* (pki.bad_certificate, pki.bad_key, pki.bad_crl, pki.io, ...).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/status.h"

namespace fapiao::transport {

using SystemTime = std::chrono::system_clock::time_point;

struct Validity {
  SystemTime not_before;
  SystemTime not_after;
};
// [now - 1h, now + duration]; a negative duration gives an already-expired certificate.
Validity ValidFor(std::chrono::seconds duration, SystemTime now);

// A certificate and its private key, both PEM (the key as unencrypted PKCS#8).
struct CertifiedKey {
  std::string cert_pem;
  std::string key_pem;
};

// Self-signed consortium CA: basicConstraints CA:TRUE, keyUsage keyCertSign + cRLSign, Ed25519.
Result<CertifiedKey> GenerateCa(std::string_view common_name, uint64_t serial,
                                const Validity& validity);

struct NodeCertRequest {
  std::string member_name;    // subject CN, e.g. "member-2"
  uint32_t member_index = 0;  // SAN URI fapiao:member:<index>
  uint64_t serial = 0;        // unique per CA; the CRL lists these
  Validity validity;
};
// A node certificate (serverAuth + clientAuth) for a fresh Ed25519 key, signed by `ca`.
Result<CertifiedKey> IssueNodeCertificate(const CertifiedKey& ca, const NodeCertRequest& request);

// A v2 CRL signed by `ca` listing `revoked_serials`, PEM.
Result<std::string> GenerateCrl(const CertifiedKey& ca,
                                const std::vector<uint64_t>& revoked_serials,
                                SystemTime this_update, SystemTime next_update);

// What the transport reads from a certificate. Serials are upper-case hex without leading zeros
// (the form SerialHex() produces), so certificates with long serials compare as well.
struct CertificateInfo {
  std::string common_name;
  std::optional<uint32_t> member_index;  // from the SAN URI; nullopt if absent
  std::string serial_hex;
  std::string key_id;
};
Result<CertificateInfo> InspectCertificatePem(std::string_view cert_pem);
Result<CertificateInfo> InspectCertificateDer(std::string_view cert_der);
Result<std::string> KeyIdOfCertificate(std::string_view cert_pem);
std::string SerialHex(uint64_t serial);

// Parses a PEM CRL, checks it is signed by the CA certificate, returns the revoked serials.
Result<std::set<std::string>> LoadRevokedSerials(std::string_view crl_pem,
                                                 std::string_view ca_cert_pem);

// Whole-file helpers (pki.io on failure). WriteTextFileAtomic writes a sibling temp file and
// renames it over `path`, so a concurrent reader sees the old or the new content.
Result<std::string> ReadTextFile(const std::string& path);
Status WriteTextFileAtomic(const std::string& path, std::string_view content);

}  // namespace fapiao::transport
