// The transport's identity rule (peer_auth.h).
#include "node/transport/peer_auth.h"

#include <utility>

namespace fapiao::transport {

PeerAuthority::PeerAuthority(uint32_t self_index, std::map<uint32_t, MemberIdentity> peers)
    : self_index_(self_index), peers_(std::move(peers)) {}

Result<uint32_t> PeerAuthority::Authenticate(const CertificateInfo& cert,
                                             std::optional<uint32_t> expected) const {
  if (IsRevoked(cert.serial_hex)) {
    return Status::Error("transport.revoked",
                         "certificate serial " + cert.serial_hex + " is revoked");
  }
  if (!cert.member_index.has_value() || *cert.member_index == self_index_) {
    return Status::Error("transport.unknown_member", "the certificate names no peer member");
  }
  const uint32_t index = *cert.member_index;
  auto it = peers_.find(index);
  if (it == peers_.end()) {
    return Status::Error("transport.unknown_member",
                         "member " + std::to_string(index) + " is not a configured peer");
  }
  if (expected.has_value() && *expected != index) {
    return Status::Error("transport.wrong_member", "dialed member " + std::to_string(*expected) +
                                                       " but the certificate is for member " +
                                                       std::to_string(index));
  }
  if (cert.common_name != it->second.name) {
    return Status::Error(
        "transport.name_mismatch",
        "certificate CN '" + cert.common_name + "' is not member name '" + it->second.name + "'");
  }
  if (cert.key_id != it->second.tls_key_id) {
    return Status::Error(
        "transport.key_mismatch",
        "the certificate key is not the configured TLS key of member " + std::to_string(index));
  }
  return index;
}

void PeerAuthority::SetRevoked(std::set<std::string> serials_hex) {
  std::lock_guard lock(mu_);
  revoked_ = std::move(serials_hex);
}

bool PeerAuthority::IsRevoked(const std::string& serial_hex) const {
  std::lock_guard lock(mu_);
  return revoked_.count(serial_hex) != 0;
}

}  // namespace fapiao::transport
