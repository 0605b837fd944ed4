// The buyer's web pages (docs/http.md "Buyer page"): GET /buyer/vendors/{id}
// (what the stall QR opens: the vendor's public details and, on a demo
// consortium, a "Pay (demo)" form to the payment provider's node), GET
// /buyer/claim?provider=&ref=&token= (title form; buyer.js then issues the
// invoice with POST /v1/invoices and shows it with its QR) and their static
// files under /buyer/assets/. Every dynamic value is HTML-escaped; pages carry
// html.h's security headers and load nothing from other origins.
#include <charconv>
#include <string>
#include <string_view>
#include <variant>

#include "api/merchant/buyer_links.h"
#include "api/merchant/common.h"
#include "api/merchant/html.h"
#include "api/merchant/invoice_access.h"
#include "api/merchant/merchant_api.h"
#include "api/merchant/web/assets.h"
#include "contracts/keys.h"

namespace fapiao::api::merchant {

void AddStallQrRoutes(Router& router, const MerchantContext& ctx);
void AddDemoPaymentRoutes(Router& router, const MerchantContext& ctx);

namespace {

// Chinese and English side by side, each with its own lang.
std::string Bi(std::string_view zh, std::string_view en) {
  return "<span lang=\"zh-CN\">" + std::string(zh) + "</span> <span lang=\"en\" class=\"en\">" +
         std::string(en) + "</span>";
}

std::string Yuan(int64_t fen) {
  const bool negative = fen < 0;
  const uint64_t abs = negative ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  std::string cents = std::to_string(abs % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return std::string(negative ? "-" : "") + "¥" + std::to_string(abs / 100) + "." + cents;
}

// `refresh_s` > 0: the page reloads itself after that many seconds (no script needed).
Response Page(int status, std::string_view title, const std::string& main, bool script = false,
              int refresh_s = 0) {
  std::string html =
      "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  if (refresh_s > 0) {
    html += "<meta http-equiv=\"refresh\" content=\"" + std::to_string(refresh_s) + "\">\n";
  }
  html += "<title>" + std::string(title) +
          "</title>\n<link rel=\"icon\" href=\"data:,\">\n"
          "<link rel=\"stylesheet\" href=\"/buyer/assets/buyer.css\">\n</head>\n<body>\n" +
          main + "\n";
  if (script) html += "<script src=\"/buyer/assets/buyer.js\"></script>\n";
  html += "</body>\n</html>\n";
  return HtmlResponse(status, std::move(html));
}

// A page for a problem the person can read: the detail, and the code for support.
Response ErrorPage(const Problem& p, int refresh_s = 0) {
  return Page(p.status, "发票 Fapiao – " + HtmlEscape(p.code),
              "<main>\n<h1>" + Bi("出错了", "Something is wrong") +
                  "</h1>\n<p class=\"error\" role=\"alert\" data-code=\"" + HtmlEscape(p.code) +
                  "\">" + HtmlEscape(p.detail) + " (" + HtmlEscape(p.code) + ")</p>\n</main>",
              false, refresh_s);
}

// A payment just attested on the provider's node may not be executed on this node yet:
// not an error but a moment's wait, so 202 with a page that reloads itself in 2 s.
Response PendingPaymentPage() {
  Response r = Page(202, "发票 Fapiao – payment.unknown",
                    "<main>\n<h1>" + Bi("付款确认中", "Confirming the payment") +
                        "</h1>\n<p class=\"pending\" role=\"status\" data-code=\"payment.unknown\">"
                        "The payment is not confirmed on this node yet; this page reloads in a "
                        "moment. 付款确认中，页面稍后自动刷新。</p>\n</main>",
                    false, 2);
  r.headers.emplace_back("Retry-After", "2");
  return r;
}

std::string DemoPayForm(const MerchantContext& ctx, const std::string& vendor_id) {
  const auto provider = DemoPaymentProvider(ctx);
  if (!ctx.demo_payments || !provider) return {};
  const std::string action = MemberBaseUrl(ctx, *provider) + "/demo/payments";
  return "<section aria-labelledby=\"pay-h\">\n<h2 id=\"pay-h\">" +
         Bi("付款（演示）", "Pay (demo)") + "</h2>\n<p class=\"demo\">" +
         Bi("演示：不会真的付款。支付机构节点直接证明这笔付款。",
            "Demo only: no money moves. The payment provider's node attests this payment.") +
         "</p>\n<form method=\"post\" action=\"" + HtmlEscape(action) +
         "\">\n<input type=\"hidden\" name=\"vendor_id\" value=\"" + HtmlEscape(vendor_id) +
         "\">\n<label for=\"amount\">" + Bi("金额（元）", "Amount (yuan)") +
         "</label>\n<input id=\"amount\" name=\"amount\" inputmode=\"decimal\" required "
         "pattern=\"[0-9]{1,12}(\\.[0-9]{1,2})?\" value=\"12.50\" autocomplete=\"off\">\n"
         "<label for=\"item\">" +
         Bi("商品", "Item") +
         "</label>\n<input id=\"item\" name=\"item\" maxlength=\"64\" value=\"蔬菜\">\n"
         "<button type=\"submit\" id=\"pay\">" +
         Bi("付款（演示）", "Pay (demo)") + "</button>\n</form>\n</section>";
}

Response VendorPage(const MerchantContext& ctx, const Request& req) {
  const std::string id(req.PathParam("id").value_or(""));
  pb::Vendor vendor;
  if (!LoadRecord(ctx.state->view(), contracts::keys::Vendor(id), vendor)) {
    return ErrorPage(MakeProblem(404, "vendor.unknown", "No vendor '" + id + "' here."));
  }
  const pb::VendorInfo& info = vendor.info();
  std::string main = "<main>\n<p>" + Bi("摊位", "Stall") + "</p>\n<h1 id=\"vendor-name\">" +
                     HtmlEscape(info.name()) + "</h1>\n<dl>\n<dt>" + Bi("摊位号", "Stall") +
                     "</dt><dd id=\"stall\">" + HtmlEscape(info.stall()) + "</dd>\n<dt>" +
                     Bi("市场", "Market") + "</dt><dd id=\"market\">" + HtmlEscape(info.market()) +
                     "</dd>\n<dt>" + Bi("纳税人识别号", "Taxpayer id") + "</dt><dd>" +
                     HtmlEscape(info.taxpayer_id().value()) + "</dd>\n</dl>\n";
  if (vendor.status() == pb::SUSPENDED) {
    main += "<p class=\"error\" role=\"status\">" +
            Bi("该摊位暂停营业。", "This stall is suspended.") + "</p>\n";
  }
  const std::string form = DemoPayForm(ctx, id);
  main += form.empty() ? "<p>" +
                             Bi("用支付应用付款后，点收据上的链接开具发票。",
                                "After paying with your payment app, open the link on the "
                                "receipt to get your invoice.") +
                             "</p>"
                       : form;
  main += "\n</main>";
  return Page(200, HtmlEscape(info.name()) + " – 摊位 Stall", main);
}

std::string Row(std::string_view zh, std::string_view en, std::string_view id) {
  return "<dt>" + Bi(zh, en) + "</dt><dd id=\"" + std::string(id) + "\"></dd>\n";
}

std::string TitleForm() {
  return "<form id=\"title-form\" novalidate>\n<fieldset>\n<legend>" +
         Bi("发票抬头", "Invoice title") +
         "</legend>\n<input type=\"radio\" id=\"type-individual\" name=\"type\" "
         "value=\"individual\" checked><label for=\"type-individual\">" +
         Bi("个人", "Individual") +
         "</label>\n<input type=\"radio\" id=\"type-organisation\" name=\"type\" "
         "value=\"organisation\"><label for=\"type-organisation\">" +
         Bi("单位", "Organisation") + "</label>\n</fieldset>\n<label for=\"title-name\">" +
         Bi("名称", "Name") +
         "</label>\n<input id=\"title-name\" name=\"name\" required maxlength=\"200\" "
         "autocomplete=\"name\">\n<div id=\"org-fields\" hidden>\n<label for=\"taxpayer-id\">" +
         Bi("纳税人识别号（统一社会信用代码）", "Taxpayer id (USCC)") +
         "</label>\n<input id=\"taxpayer-id\" name=\"taxpayer_id\" maxlength=\"20\" "
         "autocapitalize=\"characters\" autocomplete=\"off\">\n</div>\n"
         "<button type=\"submit\" id=\"issue\">" +
         Bi("开具发票", "Issue the invoice") + "</button>\n</form>\n";
}

std::string InvoiceSection() {
  return "<section id=\"invoice\" hidden aria-labelledby=\"invoice-h\">\n<h2 id=\"invoice-h\">" +
         Bi("电子发票", "Your e-invoice") + "</h2>\n<dl>\n" +
         Row("发票号码", "Number", "inv-number") + Row("开票日期", "Date", "inv-date") +
         Row("销售方", "Seller", "inv-seller") + Row("销售方税号", "Seller id", "inv-seller-id") +
         Row("购买方", "Buyer", "inv-buyer") + "</dl>\n<table>\n<thead><tr><th scope=\"col\">" +
         Bi("项目", "Item") + "</th><th scope=\"col\" class=\"num\">" + Bi("金额", "Amount") +
         "</th><th scope=\"col\" class=\"num\">" + Bi("税额", "Tax") +
         "</th></tr></thead>\n<tbody id=\"inv-lines\"></tbody>\n</table>\n<dl>\n" +
         Row("价税合计", "Total", "inv-total") + Row("大写", "In words", "inv-words") +
         "</dl>\n<img id=\"inv-qr\" class=\"qr\" alt=\"" +
         HtmlEscape("发票验证二维码 Invoice verification QR code") +
         "\">\n<p><a id=\"inv-doc\" href=\"#\">" + Bi("打印版发票", "Printable invoice") +
         "</a></p>\n</section>\n<section id=\"secret\" hidden aria-labelledby=\"secret-h\">\n"
         "<h2 id=\"secret-h\">" +
         Bi("请保存您的购买方密钥", "Keep your buyer secret") + "</h2>\n<p class=\"note\">" +
         Bi("确认红字发票或证明抬头姓名时需要它。节点不保存它，丢失后无法找回。",
            "You need it to confirm a credit note or to show the title's name is yours. The "
            "node keeps no copy: lost means lost.") +
         "</p>\n<label for=\"secret-text\">" + Bi("密钥", "Secret") +
         "</label>\n<textarea id=\"secret-text\" rows=\"5\" readonly></textarea>\n"
         "<p><a id=\"secret-download\" href=\"#\" download=\"fapiao-buyer-secret.json\">" +
         Bi("下载密钥", "Download the secret") + "</a></p>\n</section>\n";
}

// The claim of the link ?provider=&ref=&token=[&height=], or the page that says it is broken.
std::variant<ClaimInput, Response> ClaimOfLink(const Request& req) {
  ClaimInput claim;
  const std::string_view provider = req.Query("provider").value_or("");
  const auto [end, ec] =
      std::from_chars(provider.data(), provider.data() + provider.size(), claim.provider);
  const auto ref = req.Query("ref");
  const auto token = req.Query("token");
  const std::string_view height = req.Query("height").value_or("0");
  const auto [hend, hec] =
      std::from_chars(height.data(), height.data() + height.size(), claim.height);
  if (ec != std::errc() || end != provider.data() + provider.size() || provider.empty() || !ref ||
      !token || hec != std::errc() || hend != height.data() + height.size()) {
    return ErrorPage(MakeProblem(400, "request.invalid_query",
                                 "This claim link is incomplete: it needs provider, ref and token "
                                 "from your payment receipt."));
  }
  claim.reference = std::string(*ref);
  claim.token = std::string(*token);
  return claim;
}

Response ClaimPage(const MerchantContext& ctx, const ClaimInput& claim) {
  pb::Payment payment;
  if (auto p = CheckClaim(ctx, claim, payment)) {
    if (p->code == "payment.unknown") return PendingPaymentPage();
    return ErrorPage(
        MakeProblem(p->status, p->code, "This claim link does not match a payment on the ledger."));
  }
  pb::Vendor vendor;
  LoadRecord(ctx.state->view(), contracts::keys::Vendor(payment.attested().vendor_id()), vendor);
  std::string invoices;
  for (const auto& n : payment.invoices()) invoices += (invoices.empty() ? "" : " ") + n;
  std::string main = "<main id=\"claim\" data-provider=\"" + std::to_string(claim.provider) +
                     "\" data-ref=\"" + HtmlEscape(claim.reference) + "\" data-token=\"" +
                     HtmlEscape(claim.token) + "\" data-invoices=\"" + HtmlEscape(invoices) +
                     "\">\n<h1>" + Bi("开具发票", "Get your invoice") + "</h1>\n<dl>\n<dt>" +
                     Bi("商户", "Vendor") + "</dt><dd id=\"pay-vendor\">" +
                     HtmlEscape(vendor.info().name()) + "</dd>\n<dt>" + Bi("金额", "Paid") +
                     "</dt><dd id=\"pay-amount\">" + Yuan(payment.attested().amount_fen()) +
                     "</dd>\n<dt>" + Bi("付款编号", "Payment ref") + "</dt><dd>" +
                     HtmlEscape(claim.reference) + "</dd>\n</dl>\n";
  if (invoices.empty()) main += TitleForm();
  main += "<div id=\"error\" class=\"error\" role=\"alert\" hidden></div>\n";
  main += "<p id=\"busy\" role=\"status\" hidden>" + Bi("正在开具…", "Issuing…") + "</p>\n";
  main += InvoiceSection() + "</main>";
  return Page(200, "开具发票 Get your invoice", main, true);
}

Response Asset(std::string_view body, const char* type) {
  Response r = Response::Text(200, std::string(body), type);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

}  // namespace

void AddBuyerPageRoutes(Router& router, const MerchantContext& ctx) {
  AddStallQrRoutes(router, ctx);
  AddDemoPaymentRoutes(router, ctx);
  router.Add("GET", "/buyer/vendors/{id}", [ctx](const Request& r) { return VendorPage(ctx, r); });
  // The link from the payment names the height that attested it: the page waits
  // (briefly) until this node has executed that block, instead of "confirming".
  router.AddAsync("GET", "/buyer/claim", [ctx](const Request& r, Responder respond) {
    auto link = ClaimOfLink(r);
    if (auto* page = std::get_if<Response>(&link)) return respond(std::move(*page));
    const ClaimInput claim = std::get<ClaimInput>(std::move(link));
    AwaitClaim(ctx, claim, [ctx, claim, respond] { respond(ClaimPage(ctx, claim)); });
  });
  router.Add("GET", "/buyer/assets/buyer.css",
             [](const Request&) { return Asset(web::kBuyerCss, "text/css; charset=utf-8"); });
  router.Add("GET", "/buyer/assets/buyer.js",
             [](const Request&) { return Asset(web::kBuyerJs, "text/javascript; charset=utf-8"); });
}

}  // namespace fapiao::api::merchant
