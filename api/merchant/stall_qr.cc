// The stall QR (docs/http.md "Buyer page"): GET /v1/vendors/{id}/qr.svg and
// /qr.png, public, encoding the URL of the vendor's page on the node of its
// market's operator (buyer_links.h). Printed and glued to the stall.
#include <string>

#include "api/merchant/buyer_links.h"
#include "api/merchant/common.h"
#include "api/merchant/merchant_api.h"
#include "contracts/keys.h"
#include "qr/render.h"

namespace fapiao::api::merchant {
namespace {

Response StallQr(const MerchantContext& ctx, const Request& req, bool png) {
  const std::string id(req.PathParam("id").value_or(""));
  pb::Vendor vendor;
  if (!LoadRecord(ctx.state->view(), contracts::keys::Vendor(id), vendor)) {
    return ProblemResponse(MakeProblem(404, "vendor.unknown", "no vendor '" + id + "'"));
  }
  auto matrix = qr::EncodeQrMatrix(VendorPageUrl(ctx, vendor.operator_member(), id));
  if (!matrix.ok()) return ProblemResponse(ProblemFromStatus(500, matrix.status()));
  if (!png) return Response::Text(200, qr::RenderSvg(*matrix), "image/svg+xml");
  auto image = qr::RenderPng(*matrix, 8);
  if (!image.ok()) return ProblemResponse(ProblemFromStatus(500, image.status()));
  return Response::Text(200, std::move(*image), "image/png");
}

}  // namespace

void AddStallQrRoutes(Router& router, const MerchantContext& ctx) {
  router.Add("GET", "/v1/vendors/{id}/qr.svg",
             [ctx](const Request& r) { return StallQr(ctx, r, false); });
  router.Add("GET", "/v1/vendors/{id}/qr.png",
             [ctx](const Request& r) { return StallQr(ctx, r, true); });
}

}  // namespace fapiao::api::merchant
