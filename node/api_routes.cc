#include "node/api_routes.h"

#include <utility>

#include "api/merchant/merchant_api.h"
#include "api/openapi.h"
#include "api/tax/tax_api.h"
#include "node/config.h"
#include "node/node_api.h"

namespace fapiao::node {

Result<std::unique_ptr<NodeApi>> NodeApi::Open(Node& node) {
  const std::string& data_dir = node.config().data_dir;
  auto keys = api::auth::FileKeyStore::Open(data_dir + "/api-keys.json");
  if (!keys.ok()) return keys.status();
  auto claim_secret = LoadOrCreateClaimSecret(data_dir + "/claim-secret");
  if (!claim_secret.ok()) return claim_secret.status();
  auto signer = LoadMerchantSigner(node);
  if (!signer.ok()) return signer.status();
  auto audit = api::tax::FileAuditLog::Open(data_dir + "/tax-audit.log");
  if (!audit.ok()) return audit.status();
  return std::unique_ptr<NodeApi>(new NodeApi(node, std::move(*keys), std::move(*claim_secret),
                                              std::move(*signer), std::move(*audit)));
}

NodeApi::NodeApi(Node& node, std::unique_ptr<api::auth::FileKeyStore> keys, Bytes claim_secret,
                 MerchantSigner signer, std::unique_ptr<api::tax::FileAuditLog> audit)
    : node_(node),
      keys_(std::move(keys)),
      claims_(claim_secret, node.hasher()),
      signer_(std::move(signer)),
      anchors_(TrustAnchorsOf(node.consortium())),
      committed_(node),
      submitter_(node),
      audit_(std::move(audit)) {}

void NodeApi::AddRoutes(api::Router& router) {
  AddNodeRoutes(router, node_);
  api::merchant::MerchantContext merchant{
      &committed_, &submitter_, keys_.get(), &claims_, MerchantIdentity(node_, signer_), &anchors_};
  for (const MemberInfo& m : node_.consortium().members) {  // links for the buyer pages
    merchant.members.push_back({m.role, m.api.port == 0 ? "" : "http://" + m.api.ToString()});
  }
  merchant.demo_payments = node_.config().demo_payments;
  api::merchant::AddMerchantRoutes(router, merchant);
  api::tax::AddTaxRoutes(router, {&committed_, keys_.get(), audit_.get(), node_.config().member});
  api::AddOpenApiRoute(router);
}

}  // namespace fapiao::node
