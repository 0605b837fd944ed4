// `fapiaod init`: writes a whole local consortium into one folder (CA, member
// keys and certificates, consortium.toml, a certified genesis block, one
// node.toml per member; layout in docs/operations.md), and LoadGenesis, which
// reads that genesis back and checks it against a loaded consortium.
// Plain functions; the caller supplies the time. Not safe to run twice on one folder at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/core/crypto.h"
#include "ledger/core/status.h"
#include "ledger/core/types.h"
#include "node/config.h"
#include "proto/contracts.pb.h"
#include "proto/ledger.pb.h"

namespace fapiao::node {

struct InitOptions {
  uint32_t members = 4;  // 1..64
  std::string dir;       // REQUIRES: non-empty; created if missing
  SuiteId suite = SuiteId::kEd25519Sha256;
  std::string host = "127.0.0.1";  // every node listens here
  uint16_t p2p_base_port = 7100;   // member i listens for peers on p2p_base_port + i
  uint16_t api_base_port = 8100;   // ... and serves HTTP on api_base_port + i
  std::string chain_id = "fapiao-local";
  std::string province_code = "53";
  std::string channel = "1";
  std::optional<uint64_t> genesis_time_ms;  // default: `now`, in ms
  // Wall-clock time of the run (certificate validity starts an hour before); default: the clock.
  std::optional<std::chrono::system_clock::time_point> now;
  std::chrono::seconds cert_validity{std::chrono::hours(24 * 3650)};
  // Overwrite an existing consortium: removes DIR's ca/, consortium.toml,
  // genesis.block, genesis.cert and every node<i>/ folder (their data included).
  bool force = false;
};

// Writes the consortium. Errors: init.* (init.exists when DIR already holds a
// consortium and !force, init.options, init.io) or pki.* from certificate generation.
Status InitConsortium(const InitOptions& options);

// The role member `index` of an n-member consortium gets from init: n = 1: the
// tax bureau; n = 2: market operator, tax bureau; n >= 3: cycling market
// operator, payment provider, tax bureau, reimbursing organisation by index % 4.
pb::Role DefaultRole(uint32_t index, uint32_t n);
// Markets of a market operator from init: member 0 keeps "puer-simao", another
// operator at index i keeps "market-<i>".
std::vector<std::string> DefaultMarkets(uint32_t index);

struct GenesisArtifacts {
  pb::Block block;
  pb::CommitCertificate certificate;
  Hash block_id;
  std::vector<Hash> member_keys;              // key id of member i's signing key, at position i
  std::vector<pb::Transaction> transactions;  // the verified genesis transaction
};

// Reads consortium.genesis_file and genesis_certificate_file and checks them:
// the block is well formed at height 0, its one batch is signed by a member, it
// holds exactly one genesis transaction whose payload is consortium.ToGenesis(),
// and the certificate verifies. Errors: genesis.* (or batch.*/block.* from ledger/core).
Result<GenesisArtifacts> LoadGenesis(const Consortium& consortium);

}  // namespace fapiao::node
