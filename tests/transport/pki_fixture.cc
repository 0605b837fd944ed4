// Test consortium PKI (pki_fixture.h).
#include "tests/transport/pki_fixture.h"

#include <stdexcept>

namespace fapiao::transport::testing {

namespace {
template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.status().ToString());
  return std::move(r).value();
}
}  // namespace

TestPki::TestPki(std::string ca_name)
    : ca_(Must(GenerateCa(ca_name, 1,
                          ValidFor(std::chrono::hours(24), std::chrono::system_clock::now())))) {}

Member TestPki::Issue(uint32_t index, bool expired) {
  const auto now = std::chrono::system_clock::now();
  Member m;
  m.index = index;
  m.name = "member-" + std::to_string(index);
  m.serial = next_serial_++;
  Validity v = ValidFor(std::chrono::hours(24), now);
  if (expired) v = Validity{now - std::chrono::hours(48), now - std::chrono::hours(24)};
  m.cert = Must(IssueNodeCertificate(ca_, NodeCertRequest{m.name, index, m.serial, v}));
  m.key_id = Must(KeyIdOfCertificate(m.cert.cert_pem));
  return m;
}

std::string TestPki::Crl(const std::vector<uint64_t>& revoked) const {
  const auto now = std::chrono::system_clock::now();
  return Must(
      GenerateCrl(ca_, revoked, now - std::chrono::minutes(1), now + std::chrono::hours(1)));
}

PeerConfig PeerOf(const Member& m, uint16_t port) {
  return PeerConfig{m.index, m.name, "127.0.0.1", port, m.key_id};
}

TransportConfig ConfigFor(const TestPki& pki, const Member& self,
                          const std::vector<Member>& peers) {
  TransportConfig c;
  c.self_index = self.index;
  c.cert_pem = self.cert.cert_pem;
  c.key_pem = self.cert.key_pem;
  c.ca_pem = pki.ca().cert_pem;
  for (const Member& p : peers) c.peers.push_back(PeerOf(p, 0));
  c.reconnect_initial = std::chrono::milliseconds(20);
  c.reconnect_max = std::chrono::milliseconds(200);
  c.handshake_timeout = std::chrono::milliseconds(2000);
  return c;
}

}  // namespace fapiao::transport::testing
