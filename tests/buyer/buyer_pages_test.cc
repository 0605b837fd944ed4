// The buyer pages and the stall QR over the merchant World (tests/merchant/fixture.h):
//  - the stall QR (PNG and SVG) is public and decodes to the vendor page URL; unknown -> 404
//  - the vendor page shows public details, Chinese and English, escaping a hostile vendor
//  - without the demo option there is no /demo/payments route and no "Pay (demo)" form
//  - the claim URL of a payment opens the claim page on the operator's node; a bad or
//    incomplete claim is an HTML error page, one for a payment not yet here reloads itself;
//    a spent claim page shows its invoice
//  - the page assets are served with their types; nothing changes state
#include <catch2/catch.hpp>

#include <future>

#include "tests/merchant/fixture.h"
#include "tests/qr/zbar_decode.h"

namespace fapiao::api::merchant::test {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

void Register(World& w, const json& vendor) {
  REQUIRE(
      w.Call(kOpNode, http::verb::post, "/v1/vendors", vendor.dump(), w.Token("operator")).status ==
      201);
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("the stall QR is public and decodes to the vendor page on the operator's node",
          "[buyer]") {
  World w;
  Register(w, VendorBody("v-1"));
  const auto before = w.Snapshot();
  for (uint32_t node : {kOpNode, kPayNode}) {
    auto png = w.Call(node, http::verb::get, "/v1/vendors/v-1/qr.png", "", "");
    REQUIRE(png.status == 200);
    CHECK(png.content_type == "image/png");
    CHECK(fapiao::test::ZbarDecodePng(png.raw) ==
          std::vector<std::string>{"https://node.example/buyer/vendors/v-1"});
    auto svg = w.Call(node, http::verb::get, "/v1/vendors/v-1/qr.svg", "", "");
    REQUIRE(svg.status == 200);
    CHECK(svg.content_type == "image/svg+xml");
    CHECK(Has(svg.raw, "<svg"));
  }
  CHECK(w.Snapshot() == before);
}

TEST_CASE("an unknown vendor's stall QR is a vendor.unknown problem", "[buyer]") {
  World w;
  for (const char* target : {"/v1/vendors/v-9/qr.png", "/v1/vendors/v-9/qr.svg"}) {
    auto r = w.Call(kOpNode, http::verb::get, target, "", "");
    CHECK(r.status == 404);
    CHECK(r.content_type == "application/problem+json");
    CHECK(r.body["code"] == "vendor.unknown");
  }
}

TEST_CASE("the vendor page shows the stall in Chinese and English and escapes what it shows",
          "[buyer]") {
  World w;
  json vendor = VendorBody("v-1");
  vendor["name"] = "<script>alert('x')</script> & \"Li\"";
  vendor["stall"] = "<b>A-12</b>";
  Register(w, vendor);
  auto r = w.Call(kOpNode, http::verb::get, "/buyer/vendors/v-1", "", "");
  REQUIRE(r.status == 200);
  CHECK(r.content_type == "text/html; charset=utf-8");
  CHECK(Has(r.raw, "<html lang=\"zh-CN\">"));
  CHECK(
      Has(r.raw, "<span lang=\"zh-CN\">摊位号</span> <span lang=\"en\" class=\"en\">Stall</span>"));
  CHECK(Has(r.raw, "<span lang=\"en\" class=\"en\">Market</span>"));
  CHECK(Has(r.raw, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Li&quot;"));
  CHECK(Has(r.raw, "&lt;b&gt;A-12&lt;/b&gt;"));
  CHECK_FALSE(Has(r.raw, "<script>alert"));
  CHECK_FALSE(Has(r.raw, "<b>A-12"));
  CHECK(Has(r.raw, "<link rel=\"stylesheet\" href=\"/buyer/assets/buyer.css\">"));
  CHECK_FALSE(Has(r.raw, "http://"));  // nothing from elsewhere
  // demo off: no pay form, the receipt's link is the way
  CHECK_FALSE(Has(r.raw, "/demo/payments"));
  CHECK(Has(r.raw, "open the link on the receipt"));

  auto unknown = w.Call(kOpNode, http::verb::get, "/buyer/vendors/%3Cv%3E", "", "");
  CHECK(unknown.status == 404);
  CHECK(unknown.content_type == "text/html; charset=utf-8");
  CHECK(Has(unknown.raw, "data-code=\"vendor.unknown\""));
  CHECK(Has(unknown.raw, "No vendor &#39;&lt;v&gt;&#39; here."));
}

TEST_CASE("without the demo option no node takes demo payments", "[buyer]") {
  World w;
  Register(w, VendorBody("v-1"));
  const auto before = w.Snapshot();
  for (uint32_t node : {kOpNode, kPayNode}) {
    auto r = w.Call(node, http::verb::post, "/demo/payments", "vendor_id=v-1&amount=12.50", "",
                    "application/x-www-form-urlencoded");
    CHECK(r.status == 404);
    CHECK(r.body["code"] == "route.not_found");
  }
  CHECK(w.Snapshot() == before);
  CHECK(w.submits() == 1);
}

TEST_CASE("a payment's claim URL opens the claim page on the operator's node", "[buyer]") {
  World w;
  Register(w, VendorBody("v-1"));
  auto p = w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody("R 1/x").dump(),
                  w.Token("provider"));
  REQUIRE(p.status == 201);
  const std::string token = p.body["claim_token"];
  const std::string url = p.body["claim_url"];
  const std::string path = "/buyer/claim?provider=2&ref=R%201%2Fx&token=" + token +
                           "&height=" + std::to_string(p.body["height"].get<uint64_t>());
  CHECK(url == "https://node.example" + path);
  const auto before = w.Snapshot();

  auto page = w.Call(kOpNode, http::verb::get, path, "", "");
  REQUIRE(page.status == 200);
  CHECK(page.content_type == "text/html; charset=utf-8");
  CHECK(Has(page.raw, "data-provider=\"2\" data-ref=\"R 1/x\" data-token=\"" + token + "\""));
  CHECK(Has(page.raw, "data-invoices=\"\""));
  CHECK(Has(page.raw, "<dd id=\"pay-amount\">¥12.50</dd>"));
  CHECK(Has(page.raw, "<dd id=\"pay-vendor\">Stall v-1</dd>"));
  CHECK(Has(page.raw, "<label for=\"title-name\">"));
  CHECK(Has(page.raw, "<input id=\"title-name\""));
  CHECK(Has(page.raw, "<label for=\"type-organisation\"><span lang=\"zh-CN\">单位</span>"));
  CHECK(Has(page.raw, "<script src=\"/buyer/assets/buyer.js\"></script>"));

  auto forged =
      w.Call(kOpNode, http::verb::get,
             "/buyer/claim?provider=2&ref=R%201%2Fx&token=" + std::string(32, '0'), "", "");
  CHECK(forged.status == 403);
  CHECK(Has(forged.raw, "data-code=\"claim.invalid\""));
  CHECK_FALSE(Has(forged.raw, "title-form"));
  for (const std::string bad :
       {"/buyer/claim", "/buyer/claim?provider=x&ref=R&token=t", "/buyer/claim?provider=2&token=t",
        "/buyer/claim?provider=2&ref=R&token=t&height=-1",
        "/buyer/claim?provider=2&ref=R&token=t&height=7x"}) {
    auto r = w.Call(kOpNode, http::verb::get, bad, "", "");
    CHECK(r.status == 400);
    CHECK(Has(r.raw, "data-code=\"request.invalid_query\""));
  }
  auto early =
      w.Call(kOpNode, http::verb::get, "/buyer/claim?provider=2&ref=R-2&token=" + token, "", "");
  CHECK(early.status == 202);  // not executed here yet: a wait, the page reloads itself
  CHECK(early.retry_after == "2");
  CHECK(Has(early.raw, "data-code=\"payment.unknown\""));
  CHECK(Has(early.raw, "<meta http-equiv=\"refresh\" content=\"2\">"));
  CHECK(w.Snapshot() == before);
}

TEST_CASE("a claim URL followed before the operator's node has the payment waits for it",
          "[buyer]") {
  World w;
  Register(w, VendorBody("v-1"));
  // The buyer opens the link of a payment at the next height, before it is committed here.
  const std::string token = w.claims().TokenFor(kPayNode, "R-1");
  const std::string path = "/buyer/claim?provider=2&ref=R-1&token=" + token +
                           "&height=" + std::to_string(w.height() + 1);
  auto page = std::async(std::launch::async,
                         [&] { return w.Call(kOpNode, http::verb::get, path, "", ""); });
  w.WaitForAwaits(1);
  auto p = w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody("R-1").dump(),
                  w.Token("provider"));
  REQUIRE(p.status == 201);
  const Reply r = page.get();
  CHECK(r.status == 200);  // the claim page itself, not the "confirming" one
  CHECK(Has(r.raw, "data-token=\"" + token + "\""));
  CHECK(Has(r.raw, "<input id=\"title-name\""));
}

TEST_CASE("a claim page whose invoice is issued shows it instead of the title form", "[buyer]") {
  World w;
  const Issued issued = IssueByClaim(w);
  auto page = w.Call(kOpNode, http::verb::get,
                     "/buyer/claim?provider=2&ref=R-1&token=" + issued.token, "", "");
  REQUIRE(page.status == 200);
  CHECK(Has(page.raw, "data-invoices=\"" + issued.number + "\""));
  CHECK_FALSE(Has(page.raw, "title-form"));
  CHECK(Has(page.raw, "id=\"inv-qr\""));
}

TEST_CASE("the page assets are served as CSS and JavaScript", "[buyer]") {
  World w;
  auto css = w.Call(kOpNode, http::verb::get, "/buyer/assets/buyer.css", "", "");
  CHECK(css.status == 200);
  CHECK(css.content_type == "text/css; charset=utf-8");
  CHECK(Has(css.raw, "main {"));
  auto js = w.Call(kOpNode, http::verb::get, "/buyer/assets/buyer.js", "", "");
  CHECK(js.status == 200);
  CHECK(js.content_type == "text/javascript; charset=utf-8");
  CHECK(Has(js.raw, "'/v1/invoices'"));
  CHECK_FALSE(Has(js.raw, "innerHTML"));
}

}  // namespace
}  // namespace fapiao::api::merchant::test
