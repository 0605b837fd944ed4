// PeerAuthority: the identity rule of the transport. Given the facts of a certificate that
// already chains to the consortium CA and is within validity (checked by TLS), it accepts the
// certificate only if it is not revoked and names a configured member (SAN index, CN) whose
// configured key id equals the certificate's. Thread-safe: the revoked set may be replaced
// while handshakes run on other threads.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "ledger/core/status.h"
#include "node/transport/pki.h"

namespace fapiao::transport {

struct MemberIdentity {
  std::string name;
  std::string tls_key_id;  // hex SHA-256 of the SubjectPublicKeyInfo DER
};

class PeerAuthority {
 public:
  PeerAuthority(uint32_t self_index, std::map<uint32_t, MemberIdentity> peers);

  // The member index the certificate proves, or a transport.* refusal:
  // transport.revoked, transport.unknown_member, transport.wrong_member, transport.name_mismatch,
  // transport.key_mismatch. `expected` is the member an outbound dial targets.
  Result<uint32_t> Authenticate(const CertificateInfo& cert,
                                std::optional<uint32_t> expected) const;

  void SetRevoked(std::set<std::string> serials_hex);
  bool IsRevoked(const std::string& serial_hex) const;

 private:
  const uint32_t self_index_;
  const std::map<uint32_t, MemberIdentity> peers_;
  mutable std::mutex mu_;
  std::set<std::string> revoked_;  // guarded by mu_
};

}  // namespace fapiao::transport
