// The merchant API's ports (api/merchant/ports.h) implemented over a Node:
// committed state from its BlockStore, submission through Node::Submit, and
// its identity; plus the per-node claim-token secret in <data_dir>/claim-secret.
// Thread-safe as Node is; the Node must outlive these objects.
#pragma once

#include <string>

#include "api/merchant/ports.h"
#include "node/node.h"

namespace fapiao::node {

class NodeCommittedState final : public api::merchant::CommittedState {
 public:
  explicit NodeCommittedState(const Node& node) : node_(node) {}
  const StateView& view() const override;
  uint64_t height() const override;

 private:
  const Node& node_;
};

class NodeSubmitter final : public api::merchant::Submitter {
 public:
  explicit NodeSubmitter(Node& node) : node_(node) {}
  void Submit(uint32_t kind, Bytes payload, Done done) override;

 private:
  Node& node_;
};

// This node's member, role and chain; the base URL is its consortium API endpoint.
api::merchant::NodeIdentity MerchantIdentity(const Node& node);

// Reads the 32-byte secret at `path`, or creates it (mode 0600) with fresh
// random bytes on first use. Codes: merchant.claim_secret_io, merchant.claim_secret_corrupt.
Result<Bytes> LoadOrCreateClaimSecret(const std::string& path);

}  // namespace fapiao::node
