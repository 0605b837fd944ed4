#include "node/api_routes.h"

#include <utility>

#include "api/merchant/merchant_api.h"
#include "api/openapi.h"
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
  return std::unique_ptr<NodeApi>(
      new NodeApi(node, std::move(*keys), std::move(*claim_secret), std::move(*signer)));
}

NodeApi::NodeApi(Node& node, std::unique_ptr<api::auth::FileKeyStore> keys, Bytes claim_secret,
                 MerchantSigner signer)
    : node_(node),
      keys_(std::move(keys)),
      claims_(claim_secret, node.hasher()),
      signer_(std::move(signer)),
      anchors_(TrustAnchorsOf(node.consortium())),
      committed_(node),
      submitter_(node) {}

void NodeApi::AddRoutes(api::Router& router) {
  AddNodeRoutes(router, node_);
  api::merchant::MerchantContext merchant{
      &committed_, &submitter_, keys_.get(), &claims_, MerchantIdentity(node_, signer_), &anchors_};
  for (const MemberInfo& m : node_.consortium().members) {  // links for the buyer pages
    merchant.members.push_back({m.role, m.api.port == 0 ? "" : "http://" + m.api.ToString()});
  }
  merchant.demo_payments = node_.config().demo_payments;
  api::merchant::AddMerchantRoutes(router, merchant);
  api::AddOpenApiRoute(router);
}

}  // namespace fapiao::node
