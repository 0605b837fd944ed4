// What a buyer keeps of an invoice: GET /v1/invoices/{number}/qr.png and
// /qr.svg (the signed verification payload of docs/qr.md section 2, signed by
// this market operator's member key) and /proof (the issuing transaction's
// inclusion proof as proof JSON, docs/qr.md section 3).
#include <string>

#include "api/merchant/common.h"
#include "api/merchant/invoice_access.h"
#include "api/merchant/invoice_qr.h"
#include "api/merchant/merchant_api.h"
#include "contracts/keys.h"
#include "qr/national.h"
#include "qr/proof_json.h"
#include "qr/render.h"
#include "qr/verification.h"

namespace fapiao::api::merchant {
namespace {

Response Internal(const Status& s) {
  return ProblemResponse(ProblemFromStatus(500, s));
}

Response InvoiceQr(const MerchantContext& ctx, const Request& req, bool png) {
  auto stored = ReadInvoiceFor(ctx, req);
  if (!stored) return ProblemReply(stored.problem());
  auto text = VerificationTextOf(ctx, stored.value());
  if (!text) return ProblemResponse(text.problem());
  auto matrix = qr::EncodeQrMatrix(text.value());
  if (!matrix.ok()) return Internal(matrix.status());
  if (!png) return Response::Text(200, qr::RenderSvg(*matrix), "image/svg+xml");
  auto image = qr::RenderPng(*matrix);
  if (!image.ok()) return Internal(image.status());
  return Response::Text(200, std::move(*image), "image/png");
}

Response InvoiceProof(const MerchantContext& ctx, const Request& req) {
  auto stored = ReadInvoiceFor(ctx, req);
  if (!stored) return ProblemReply(stored.problem());
  const pb::Invoice& inv = stored.value().invoice;
  auto proof = ctx.state->ProveEvent(inv.height(), "invoice.issued " + inv.number());
  if (!proof.ok()) return Internal(proof.status());
  return Response::Text(200, qr::ProofToJson(*proof), "application/json");
}

}  // namespace

ProblemOr<std::string> VerificationTextOf(const MerchantContext& ctx, const StoredInvoice& stored) {
  const pb::Invoice& inv = stored.invoice;
  pb::Vendor vendor;
  LoadRecord(ctx.state->view(), contracts::keys::Vendor(inv.vendor_id()), vendor);
  if (ctx.identity.role != pb::MARKET_OPERATOR || ctx.identity.member != vendor.operator_member()) {
    return MakeProblem(421, "invoice.wrong_node",
                       "the QR of invoice " + inv.number() + " is signed by member " +
                           std::to_string(vendor.operator_member()) + "; ask that member's node");
  }
  qr::VerificationFields f;
  f.suite = ctx.identity.suite;
  f.member = ctx.identity.member;
  f.invoice_number = inv.number();
  f.date = inv.date();
  f.seller_id = inv.seller_id().value();
  f.total_fen = inv.total_fen();
  f.document_hash = qr::InvoiceDocumentHash(*ctx.identity.hasher, stored.record);
  auto payload = qr::SignVerificationPayload(f, ctx.identity.chain_id, *ctx.identity.signer);
  if (!payload.ok()) return ProblemFromStatus(500, payload.status());
  return qr::VerificationText(*payload);
}

ProblemOr<std::string> NationalTextOf(const pb::Invoice& inv) {
  qr::NationalQr f;
  f.number = inv.number();
  f.pre_tax_fen = inv.pre_tax_fen();
  f.date = inv.date();
  f.check_code = inv.check_code();
  auto text = qr::EncodeNationalQr(f);
  if (!text.ok()) return ProblemFromStatus(500, text.status());
  return *text;
}

void AddInvoiceQrRoutes(Router& router, const MerchantContext& ctx) {
  const RouteOptions opts{kMerchantMaxBody};
  router.Add(
      "GET", "/v1/invoices/{number}/qr.png",
      [ctx](const Request& r) { return InvoiceQr(ctx, r, true); }, opts);
  router.Add(
      "GET", "/v1/invoices/{number}/qr.svg",
      [ctx](const Request& r) { return InvoiceQr(ctx, r, false); }, opts);
  router.Add(
      "GET", "/v1/invoices/{number}/proof",
      [ctx](const Request& r) { return InvoiceProof(ctx, r); }, opts);
}

}  // namespace fapiao::api::merchant
