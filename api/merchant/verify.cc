// POST /v1/verify (public): the checks of `fapiao verify` (qr/offline_verify.h)
// against this node's consortium keys, on a verification QR text or a proof.
#include <string>

#include "api/merchant/common.h"
#include "api/merchant/merchant_api.h"
#include "qr/offline_verify.h"

namespace fapiao::api::merchant {
namespace {

using nlohmann::json;

const std::vector<FieldSpec> kVerifySpec = {
    {"qr", JsonType::kString, false, {}},
    {"proof", JsonType::kObject, false, {}},
};

Response Verify(const MerchantContext& ctx, const Request& req) {
  auto body = ParseJsonBody(req, kVerifySpec);
  if (!body) return ProblemResponse(body.problem());
  const json& b = body.value();
  if (b.contains("qr") == b.contains("proof")) {
    return ProblemResponse(
        MakeProblem(422, "request.invalid_field", "send exactly one of qr and proof", ""));
  }
  auto r = b.contains("qr") ? qr::VerifyQrText(b["qr"].get<std::string>(), *ctx.anchors)
                            : qr::VerifyProofJson(b["proof"].dump(), *ctx.anchors);
  if (r.ok()) return JsonResponse(200, json{{"valid", true}, {"reason", *r}});
  return JsonResponse(
      200, json{{"valid", false}, {"code", r.status().code()}, {"reason", r.status().message()}});
}

}  // namespace

void AddVerifyRoute(Router& router, const MerchantContext& ctx) {
  router.Add(
      "POST", "/v1/verify", [ctx](const Request& r) { return Verify(ctx, r); },
      RouteOptions{kMerchantMaxBody});
}

}  // namespace fapiao::api::merchant
