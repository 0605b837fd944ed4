// The printable invoice: GET /v1/invoices/{number}/document, an HTML page
// (A4 or phone, print-ready) with the invoice's parties, lines and totals and
// both QR codes of DOMAIN.md: the national comma-separated form and the
// signed verification payload. Readers as GET /v1/invoices/{number}.
#include <string>

#include "api/merchant/common.h"
#include "api/merchant/html.h"
#include "api/merchant/invoice_access.h"
#include "api/merchant/invoice_qr.h"
#include "api/merchant/merchant_api.h"
#include "ledger/core/money.h"
#include "qr/render.h"

namespace fapiao::api::merchant {
namespace {

std::string Yuan(int64_t fen) {
  return Fen(fen).ToYuanString();
}

// "13%", "免税 exempt (VEG-RETAIL)", "0%", "不征税 not subject".
std::string RateText(const pb::TaxTreatment& t) {
  switch (t.treatment()) {
    case pb::TAXABLE: {
      std::string pct = std::to_string(t.rate_bp() / 100);
      if (t.rate_bp() % 100 != 0) {
        pct += "." + std::to_string(t.rate_bp() % 100 / 10);
        if (t.rate_bp() % 10 != 0) pct += std::to_string(t.rate_bp() % 10);
      }
      return pct + "%";
    }
    case pb::EXEMPT:
      return "免税 exempt" + (t.policy_code().empty() ? "" : " (" + t.policy_code() + ")");
    case pb::ZERO:
      return "0%";
    default:
      return "不征税 not subject";
  }
}

std::string Row(std::string_view zh, std::string_view en, const std::string& value_html) {
  return "<tr><th scope=\"row\"><span lang=\"zh\">" + std::string(zh) +
         "</span> <span lang=\"en\">" + std::string(en) + "</span></th><td>" + value_html +
         "</td></tr>\n";
}

std::string BuyerHtml(const pb::Invoice& inv) {
  if (inv.buyer().type() == pb::ORGANISATION) {
    return HtmlEscape(inv.buyer().org_name()) + "<br><span class=\"mono\">" +
           HtmlEscape(inv.buyer().org_taxpayer_id().value()) + "</span>";
  }
  // DOMAIN.md "Privacy": an individual's name is only a commitment on the ledger.
  return "<span lang=\"zh\">个人</span> <span lang=\"en\">individual</span>";
}

std::string LinesHtml(const pb::Invoice& inv) {
  std::string out =
      "<table class=\"lines\"><caption><span lang=\"zh\">货物或应税劳务、服务</span> "
      "<span lang=\"en\">Goods and services</span></caption>\n<thead><tr>"
      "<th scope=\"col\">项目名称<br>Item</th><th scope=\"col\">数量<br>Qty</th>"
      "<th scope=\"col\">单价<br>Unit price</th><th scope=\"col\">金额<br>Amount</th>"
      "<th scope=\"col\">税率<br>Rate</th><th scope=\"col\">税额<br>Tax</th></tr></thead>\n"
      "<tbody>\n";
  for (const auto& l : inv.lines()) {
    const auto& in = l.input();
    std::string item = HtmlEscape(in.name());
    if (!in.item_class().empty()) item = "*" + HtmlEscape(in.item_class()) + "* " + item;
    std::string qty = HtmlEscape(in.quantity());
    if (!in.unit().empty()) qty += " " + HtmlEscape(in.unit());
    out += "<tr><td>" + item + "</td><td class=\"num\">" + qty + "</td><td class=\"num\">" +
           HtmlEscape(in.unit_price()) + "</td><td class=\"num\">" + Yuan(in.amount_fen()) +
           "</td><td>" + HtmlEscape(RateText(in.treatment())) + "</td><td class=\"num\">" +
           Yuan(l.tax_fen()) + "</td></tr>\n";
  }
  out += "</tbody>\n<tfoot><tr><th scope=\"row\" colspan=\"3\">合计 Total</th><td class=\"num\">¥" +
         Yuan(inv.pre_tax_fen()) + "</td><td></td><td class=\"num\">¥" + Yuan(inv.tax_fen()) +
         "</td></tr></tfoot></table>\n";
  return out;
}

std::string QrFigure(std::string_view zh, std::string_view en, std::string_view note,
                     const std::string& text, std::string_view id) {
  auto matrix = qr::EncodeQrMatrix(text);
  std::string svg = matrix.ok() ? qr::RenderSvg(*matrix, 3, 4) : "";
  return "<figure id=\"" + std::string(id) + "\" class=\"qr\">" + svg +
         "<figcaption><span lang=\"zh\">" + std::string(zh) + "</span><br><span lang=\"en\">" +
         std::string(en) + "</span><br><small>" + std::string(note) +
         "</small><br><code class=\"qr-text\">" + HtmlEscape(text) +
         "</code></figcaption></figure>\n";
}

constexpr std::string_view kStyle = R"(<style>
body{font-family:"Noto Sans CJK SC","Source Han Sans SC",sans-serif;margin:1rem auto;max-width:60rem;color:#111;background:#fff;padding:0 .5rem}
h1{font-size:1.4rem;text-align:center;color:#8b0000;border-bottom:3px double #8b0000;padding-bottom:.3rem}
h1.red{color:#b00}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #8b0000;padding:.25rem .4rem;text-align:left;vertical-align:top}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
.num{text-align:right;font-variant-numeric:tabular-nums}
.mono,code{font-family:monospace;word-break:break-all}
.qrs{display:flex;flex-wrap:wrap;gap:1rem}
.qr{margin:0;flex:1 1 14rem}
.qr svg{width:12rem;height:12rem}
.banner{color:#b00;font-weight:bold;text-align:center}
@media print{body{margin:0}.noprint{display:none}}
</style>)";

Response Document(const MerchantContext& ctx, const Request& req) {
  auto stored = ReadInvoiceFor(ctx, req);
  if (!stored) return ProblemReply(stored.problem());
  const pb::Invoice& inv = stored.value().invoice;
  auto signed_text = VerificationTextOf(ctx, stored.value());
  if (!signed_text) return ProblemResponse(signed_text.problem());
  auto national = NationalTextOf(inv);
  if (!national) return ProblemResponse(national.problem());
  const bool red = inv.kind() == pb::RED;

  std::string html =
      "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>电子发票 " +
      HtmlEscape(inv.number()) + "</title>" + std::string(kStyle) + "</head><body>\n<main>\n<h1" +
      (red ? " class=\"red\"" : "") +
      "><span lang=\"zh\">电子发票（普通发票）</span><br><span lang=\"en\">Electronic invoice "
      "(ordinary)</span></h1>\n";
  if (red) {
    html +=
        "<p class=\"banner\"><span lang=\"zh\">红字发票 · 对应蓝字发票</span> <span "
        "lang=\"en\">Red-letter (credit) invoice reversing</span> <span class=\"mono\">" +
        HtmlEscape(inv.blue_number()) + "</span></p>\n";
  }
  html += "<table class=\"head\">\n" +
          Row("发票号码", "Invoice number",
              "<span class=\"mono\" id=\"number\">" + HtmlEscape(inv.number()) + "</span>") +
          Row("开票日期", "Date of issue", HtmlEscape(inv.date())) +
          Row("销售方", "Seller",
              HtmlEscape(inv.seller_name()) + "<br><span class=\"mono\">" +
                  HtmlEscape(inv.seller_id().value()) + "</span>") +
          Row("购买方", "Buyer", BuyerHtml(inv)) + Row("市场", "Market", HtmlEscape(inv.market())) +
          "</table>\n" + LinesHtml(inv) + "<table class=\"totals\">\n" +
          Row("价税合计（大写）", "Total in words", HtmlEscape(inv.total_words())) +
          Row("价税合计（小写）", "Total",
              "<strong id=\"total\">¥" + Yuan(inv.total_fen()) + "</strong>") +
          Row("校验码", "Check code",
              "<span class=\"mono\">" + HtmlEscape(inv.check_code()) + "</span>") +
          Row("区块高度", "Ledger height", std::to_string(inv.height())) + "</table>\n";
  if (!inv.red_numbers().empty()) {
    std::string reds;
    for (const auto& n : inv.red_numbers())
      reds += "<span class=\"mono\">" + HtmlEscape(n) + "</span> ";
    html +=
        "<p><span lang=\"zh\">已开红字发票</span> <span lang=\"en\">Reversed by</span>: " + reds +
        "</p>\n";
  }
  html += "<section class=\"qrs\" aria-label=\"QR codes\">\n" +
          QrFigure("国家标准发票二维码", "National invoice QR", "Any scanner; unsigned.",
                   national.value(), "qr-national") +
          QrFigure("联盟链验证码", "Ledger verification QR",
                   "Signed; check offline with <code>fapiao verify</code> or POST /v1/verify.",
                   signed_text.value(), "qr-verify") +
          "</section>\n</main>\n</body></html>\n";
  return HtmlResponse(200, std::move(html));
}

}  // namespace

void AddInvoiceDocumentRoute(Router& router, const MerchantContext& ctx) {
  router.Add(
      "GET", "/v1/invoices/{number}/document", [ctx](const Request& r) { return Document(ctx, r); },
      RouteOptions{kMerchantMaxBody});
}

}  // namespace fapiao::api::merchant
