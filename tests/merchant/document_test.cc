// The printable invoice (GET /v1/invoices/{number}/document):
//  - an HTML page with the invoice's number, seller, lines and totals, and both QR codes
//    of DOMAIN.md: the national text (decodes to this invoice's fields) and the signed
//    FPV1 text (valid at POST /v1/verify); each QR image is the symbol of its text
//  - whatever a vendor registered is escaped, never markup
//  - who may read it is as GET /v1/invoices/{number}; a node that did not issue is 421
#include <catch2/catch.hpp>

#include <regex>

#include "qr/national.h"
#include "qr/render.h"
#include "tests/merchant/fixture.h"

namespace fapiao::api::merchant::test {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

std::string Unescape(std::string s) {
  for (auto [from, to] : {std::pair<std::string, std::string>{"&lt;", "<"},
                          {"&gt;", ">"},
                          {"&quot;", "\""},
                          {"&#39;", "'"},
                          {"&amp;", "&"}}) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
      s.replace(at, from.size(), to);
    }
  }
  return s;
}

// The text under the figure `id` (its <code>) and the figure's <svg>.
std::pair<std::string, std::string> Figure(const std::string& html, const std::string& id) {
  const size_t at = html.find("<figure id=\"" + id + "\"");
  REQUIRE(at != std::string::npos);
  const size_t end = html.find("</figure>", at);
  const std::string fig = html.substr(at, end - at);
  const size_t svg_at = fig.find("<svg");
  const size_t svg_end = fig.find("</svg>");
  REQUIRE(svg_at != std::string::npos);
  const std::string open = "<code class=\"qr-text\">";
  const size_t code_at = fig.find(open, svg_end);
  const size_t code_end = fig.find("</code>", code_at);
  REQUIRE(code_at != std::string::npos);
  return {Unescape(fig.substr(code_at + open.size(), code_end - code_at - open.size())),
          fig.substr(svg_at, svg_end + 7 - svg_at)};  // with its newline
}

TEST_CASE("merchant: the printable invoice carries both QR codes of the invoice",
          "[merchant][document]") {
  World w;
  const Issued issued = IssueByClaim(w);
  auto inv =
      w.Call(kOpNode, http::verb::get, "/v1/invoices/" + issued.number, "", w.Token("vendor"));
  REQUIRE(inv.status == 200);
  const json& invoice = inv.body["invoice"];

  auto doc = w.Call(kOpNode, http::verb::get, "/v1/invoices/" + issued.number + "/document", "",
                    w.Token("vendor"));
  REQUIRE(doc.status == 200);
  CHECK(doc.content_type == "text/html; charset=utf-8");
  const std::string& html = doc.raw;
  CHECK(html.find("<span class=\"mono\" id=\"number\">" + issued.number + "</span>") !=
        std::string::npos);
  CHECK(html.find(invoice["seller_name"].get<std::string>()) != std::string::npos);
  CHECK(html.find(invoice["total_words"].get<std::string>()) != std::string::npos);
  CHECK(html.find("¥" + Fen(invoice["total_fen"].get<int64_t>()).ToYuanString()) !=
        std::string::npos);

  const auto [national_text, national_svg] = Figure(html, "qr-national");
  auto national = qr::DecodeNationalQr(national_text);
  REQUIRE(national.ok());
  CHECK(national->number == issued.number);
  CHECK(national->date == invoice["date"].get<std::string>());
  CHECK(national->pre_tax_fen == invoice["pre_tax_fen"].get<int64_t>());
  CHECK(national->check_code == invoice["check_code"].get<std::string>());
  CHECK(national_svg == qr::RenderSvg(*qr::EncodeQrMatrix(national_text), 3, 4));

  const auto [signed_text, signed_svg] = Figure(html, "qr-verify");
  CHECK(signed_svg == qr::RenderSvg(*qr::EncodeQrMatrix(signed_text), 3, 4));
  auto verified =
      w.Call(kPayNode, http::verb::post, "/v1/verify", json{{"qr", signed_text}}.dump(), "");
  REQUIRE(verified.status == 200);
  INFO(verified.raw);
  CHECK(verified.body["valid"] == true);

  SECTION("the buyer reads it with its claim") {
    auto buyer = w.Call(
        kOpNode, http::verb::get,
        "/v1/invoices/" + issued.number + "/document?provider=2&ref=R-1&token=" + issued.token, "",
        "");
    CHECK(buyer.status == 200);
    CHECK(buyer.raw == html);
  }
  SECTION("others may not, and the payment provider's node does not sign it") {
    auto none =
        w.Call(kOpNode, http::verb::get, "/v1/invoices/" + issued.number + "/document", "", "");
    CHECK(none.status == 401);
    auto other = w.Call(kOpNode, http::verb::get, "/v1/invoices/" + issued.number + "/document", "",
                        w.Token("vendor_other"));
    CHECK(other.status == 403);
    auto unknown = w.Call(kOpNode, http::verb::get, "/v1/invoices/25539000000000000999/document",
                          "", w.Token("vendor"));
    CHECK(unknown.status == 404);
    CHECK(unknown.body["code"] == "invoice.unknown");
    auto elsewhere = w.Call(kPayNode, http::verb::get,
                            "/v1/invoices/" + issued.number + "/document", "", w.Token("tax"));
    CHECK(elsewhere.status == 421);
    CHECK(elsewhere.body["code"] == "invoice.wrong_node");
  }
}

TEST_CASE("merchant: the printable invoice escapes what vendors registered",
          "[merchant][document]") {
  World w;
  json vendor = VendorBody("v-1");
  vendor["name"] = "<script>alert('x')</script> & \"Li\"";
  REQUIRE(
      w.Call(kOpNode, http::verb::post, "/v1/vendors", vendor.dump(), w.Token("operator")).status ==
      201);
  auto p = w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody("R-1").dump(),
                  w.Token("provider"));
  REQUIRE(p.status == 201);
  const json body{
      {"claim", {{"provider", kPayNode}, {"reference", "R-1"}, {"token", p.body["claim_token"]}}},
      {"title",
       {{"type", "organisation"},
        {"name", "<img src=x onerror=alert(1)>"},
        {"taxpayer_id", {{"kind", "uscc"}, {"value", contracts::test::MakeUscc(42)}}}}}};
  auto r = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), "");
  REQUIRE(r.status == 201);
  auto doc = w.Call(kOpNode, http::verb::get,
                    "/v1/invoices/" + r.body["invoice"]["number"].get<std::string>() + "/document",
                    "", w.Token("vendor"));
  REQUIRE(doc.status == 200);
  CHECK(doc.raw.find("<script>") == std::string::npos);
  CHECK(doc.raw.find("<img") == std::string::npos);
  CHECK(doc.raw.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Li&quot;") !=
        std::string::npos);
  CHECK(doc.raw.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
}

}  // namespace
}  // namespace fapiao::api::merchant::test
