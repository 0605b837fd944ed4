// The merchant API's ports (api/merchant/ports.h) implemented over a Node:
// committed state and proofs from its BlockStore, submission through
// Node::Submit, and its identity and signing key; plus the per-node
// claim-token secret in <data_dir>/claim-secret.
// Thread-safe as Node is; the Node must outlive these objects.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "api/merchant/ports.h"
#include "node/node.h"

namespace fapiao::node {

class NodeCommittedState final : public api::merchant::CommittedState {
 public:
  explicit NodeCommittedState(Node& node) : node_(node) {}
  const StateView& view() const override;
  uint64_t height() const override;
  uint64_t block_time_ms() const override;
  Result<TxInclusionProof> ProveEvent(uint64_t height, std::string_view event) const override;
  void AwaitHeight(uint64_t height, std::chrono::milliseconds timeout,
                   std::function<void()> then) const override;

 private:
  Node& node_;
};

class NodeSubmitter final : public api::merchant::Submitter {
 public:
  explicit NodeSubmitter(Node& node) : node_(node) {}
  void Submit(uint32_t kind, Bytes payload, Done done,
              const api::merchant::SubmitOptions& options) override;
  // One batch through Node::SubmitAll.
  void SubmitAll(std::vector<Write> writes, DoneAll done) override;

 private:
  Node& node_;
};

// This member's signing key (node.toml's signing_key_file) with the suite it
// needs, for signing invoice verification payloads. Codes: config.signing_key.
struct MerchantSigner {
  std::unique_ptr<CryptoSuite> suite;
  std::unique_ptr<Signer> signer;
};
Result<MerchantSigner> LoadMerchantSigner(const Node& node);

// This node's member, role, chain, hasher and `signer`; the base URL is its
// consortium API endpoint. REQUIRES: signer outlives the identity's users.
api::merchant::NodeIdentity MerchantIdentity(const Node& node, const MerchantSigner& signer);

// Reads the 32-byte secret at `path`, or creates it (mode 0600) with fresh
// random bytes on first use. Codes: merchant.claim_secret_io, merchant.claim_secret_corrupt.
Result<Bytes> LoadOrCreateClaimSecret(const std::string& path);

}  // namespace fapiao::node
