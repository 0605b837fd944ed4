// Everything a node serves over HTTP, assembled in one place for `fapiaod run`
// and for the OpenAPI route test (tests/openapi): the node routes
// (node_api.h), the merchant API over ports on the Node (merchant_ports.h) and
// GET /openapi.json. HttpServer adds GET /metrics itself (ServerOptions).
// NodeApi owns what the merchant routes borrow; it must outlive the server.
#pragma once

#include <memory>

#include "api/auth/file_key_store.h"
#include "api/merchant/claim_token.h"
#include "api/router.h"
#include "api/tax/file_audit_log.h"
#include "node/merchant_ports.h"
#include "node/node.h"
#include "qr/offline_verify.h"

namespace fapiao::node {

class NodeApi {
 public:
  // Loads what the merchant routes need from the node's data folder: the API
  // key file, the claim secret (created on first use) and the member's
  // signing key, and the tax officers' audit log (<data_dir>/tax-audit.log, verified).
  // Codes: auth.store_*, merchant.claim_secret_*, config.signing_key, audit.*.
  // REQUIRES: `node` outlives the returned object. Node::Start is not needed.
  static Result<std::unique_ptr<NodeApi>> Open(Node& node);

  // Adds every route the node serves (but the server's /metrics) to `router`.
  void AddRoutes(api::Router& router);

 private:
  NodeApi(Node& node, std::unique_ptr<api::auth::FileKeyStore> keys, Bytes claim_secret,
          MerchantSigner signer, std::unique_ptr<api::tax::FileAuditLog> audit);

  Node& node_;
  std::unique_ptr<api::auth::FileKeyStore> keys_;
  api::merchant::ClaimTokens claims_;
  MerchantSigner signer_;
  qr::TrustAnchors anchors_;
  NodeCommittedState committed_;
  NodeSubmitter submitter_;
  std::unique_ptr<api::tax::FileAuditLog> audit_;
};

}  // namespace fapiao::node
