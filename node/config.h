// Node configuration: the consortium (public, identical on every node) and one
// node's own settings, loaded from TOML files (docs/operations.md) and validated
// with errors that name the offending field. Plain values, immutable after
// loading; thread-safe to share. Live protocol state never lives here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/core/crypto.h"
#include "ledger/core/status.h"
#include "node/clock.h"
#include "proto/contracts.pb.h"
#include "qr/offline_verify.h"

namespace fapiao::node {

struct Endpoint {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string ToString() const { return host + ":" + std::to_string(port); }
};

struct MemberInfo {
  uint32_t index = 0;
  std::string name;  // also the CN of its TLS certificate
  pb::Role role = pb::ROLE_UNSPECIFIED;
  std::vector<std::string> markets;
  std::string signing_key_pem;  // member signing public key (chain suite), PEM
  std::string tls_key_id;       // SHA-256 hex of its TLS certificate's SubjectPublicKeyInfo
  Endpoint p2p;                 // where its node listens for peers
  Endpoint api;                 // where its node serves HTTP
};

// consortium.toml: who is in the consortium and the chain's fixed settings.
struct Consortium {
  std::string chain_id;
  SuiteId suite = SuiteId::kEd25519Sha256;
  std::string province_code = "53";
  std::string channel = "1";
  uint64_t genesis_time_ms = 0;
  std::vector<MemberInfo> members;       // index i at position i
  std::string ca_pem;                    // the consortium CA certificate
  std::string genesis_file;              // serialized pb::Block of height 0 (absolute path)
  std::string genesis_certificate_file;  // serialized pb::CommitCertificate for it

  // The genesis transaction payload implied by this file (deterministic).
  pb::Genesis ToGenesis() const;
};

struct ConsensusSettings {
  uint32_t checkpoint_interval = 16;
  uint32_t window = 64;
  uint32_t max_block_batches = 64;
  uint64_t max_block_bytes = 8u << 20;
  uint64_t proposal_delay_ms = 10;
  uint32_t max_unexecuted_blocks = 2;  // as primary; 0: no limit
  uint64_t request_timeout_ms = 3000;
  uint64_t view_change_timeout_ms = 2000;
  uint64_t resend_interval_ms = 500;
};

struct MempoolSettings {
  uint32_t max_pending_txs = 200000;  // back-pressure beyond this
  uint32_t batch_max_txs = 1000;      // a member batch closes at this many transactions...
  uint64_t batch_delay_ms = 5;        // ...or after this long
};

// node.toml: one node's own settings. Relative paths are resolved against the
// file's folder when loaded.
struct NodeConfig {
  uint32_t member = 0;
  std::string consortium_file;
  std::string data_dir;
  std::string log_dir;
  std::string log_level = "info";
  std::string signing_key_file;  // member signing private key (chain suite), PEM
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string crl_file;  // optional; reloadable
  Endpoint p2p_listen;
  Endpoint api_listen;
  uint32_t verify_threads = 2;
  bool sync = true;  // fsync ledger appends and consensus WAL
  // Demo only (docs/http.md "Buyer page"): keyless POST /demo/payments on a payment
  // provider's node and "Pay (demo)" on the buyer pages. scripts/consortium sets it.
  bool demo_payments = false;
  // Benchmarks only: a warped ledger clock ([clock], node/clock.h).
  ClockSettings clock;
  ConsensusSettings consensus;
  MempoolSettings mempool;
};

// Errors: config.* codes; the message names the file and the field, e.g.
// "node.toml: p2p.listen: expected host:port".
Result<Consortium> LoadConsortium(const std::string& path);

// The members' public keys and roles, for offline verification (qr/offline_verify.h).
qr::TrustAnchors TrustAnchorsOf(const Consortium& consortium);
Result<NodeConfig> LoadNodeConfig(const std::string& path);

}  // namespace fapiao::node
