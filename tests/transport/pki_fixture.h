// Test consortium PKI: a CA plus member certificates generated in memory, and the peer
// configuration that matches them. Single-threaded helper for tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "node/transport/pki.h"
#include "node/transport/transport.h"

namespace fapiao::transport::testing {

struct Member {
  uint32_t index = 0;
  std::string name;
  uint64_t serial = 0;
  CertifiedKey cert;
  std::string key_id;
};

class TestPki {
 public:
  explicit TestPki(std::string ca_name = "fapiao test CA");
  const CertifiedKey& ca() const { return ca_; }
  // A member certificate valid for a day, or already expired when `expired`.
  Member Issue(uint32_t index, bool expired = false);
  std::string Crl(const std::vector<uint64_t>& revoked) const;

 private:
  CertifiedKey ca_;
  uint64_t next_serial_ = 100;
};

PeerConfig PeerOf(const Member& m, uint16_t port);
// A config for `self` with the given peers (ports set later with SetPeerAddress), fast
// reconnects and the CA of `pki`.
TransportConfig ConfigFor(const TestPki& pki, const Member& self, const std::vector<Member>& peers);

}  // namespace fapiao::transport::testing
