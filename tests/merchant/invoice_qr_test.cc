// What a buyer keeps of an invoice, and the public check of it:
//  - qr.png decodes (zbar) to FPV1 text that POST /v1/verify finds valid, signed by the
//    operator's member; qr.svg is SVG; a flipped character is invalid with a qr.* code
//  - /proof is proof JSON of the issuing transaction that /v1/verify finds valid; a
//    flipped byte is invalid
//  - who may fetch them (as GET), a node that did not issue is 421, and /v1/verify's
//    bad input (neither or both of qr and proof, wrong types) is a 4xx problem
#include <catch2/catch.hpp>

#include "tests/merchant/fixture.h"
#include "tests/qr/zbar_decode.h"

namespace fapiao::api::merchant::test {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

Reply Verify(World& w, const json& body) {
  return w.Call(kPayNode, http::verb::post, "/v1/verify", body.dump(), "");
}

TEST_CASE("merchant: the invoice QR decodes to a payload that verifies", "[merchant][qr]") {
  World w;
  const Issued issued = IssueByClaim(w);
  auto png = w.Call(kOpNode, http::verb::get, "/v1/invoices/" + issued.number + "/qr.png", "",
                    w.Token("vendor"));
  REQUIRE(png.status == 200);
  CHECK(png.content_type == "image/png");
  const auto texts = fapiao::test::ZbarDecodePng(png.raw);
  REQUIRE(texts.size() == 1);
  const std::string& text = texts[0];
  CHECK(text.starts_with("FPV1:"));

  auto ok = Verify(w, {{"qr", text}});
  REQUIRE(ok.status == 200);
  CHECK(ok.body["valid"] == true);
  CHECK(ok.body["reason"].get<std::string>().find("invoice " + issued.number) != std::string::npos);
  CHECK(ok.body["reason"].get<std::string>().find("signed by member 1") != std::string::npos);

  std::string flipped = text;
  flipped[text.size() / 2] = flipped[text.size() / 2] == 'A' ? 'B' : 'A';
  auto bad = Verify(w, {{"qr", flipped}});
  REQUIRE(bad.status == 200);
  CHECK(bad.body["valid"] == false);
  CHECK(bad.body["code"].get<std::string>().starts_with("qr."));

  auto svg = w.Call(
      kOpNode, http::verb::get,
      "/v1/invoices/" + issued.number + "/qr.svg?provider=2&ref=R-1&token=" + issued.token, "", "");
  REQUIRE(svg.status == 200);
  CHECK(svg.content_type == "image/svg+xml");
  CHECK(svg.raw.find("<svg") != std::string::npos);

  // Only the issuing operator's node signs.
  auto elsewhere = w.Call(kPayNode, http::verb::get, "/v1/invoices/" + issued.number + "/qr.png",
                          "", w.Token("vendor"));
  CHECK(elsewhere.status == 421);
  CHECK(elsewhere.body["code"] == "invoice.wrong_node");
}

TEST_CASE("merchant: the invoice proof verifies and a flipped byte does not", "[merchant][qr]") {
  World w;
  const Issued issued = IssueByClaim(w);
  auto r = w.Call(kOpNode, http::verb::get, "/v1/invoices/" + issued.number + "/proof", "",
                  w.Token("tax"));
  REQUIRE(r.status == 200);
  REQUIRE(r.body.is_object());
  auto ok = Verify(w, {{"proof", r.body}});
  REQUIRE(ok.status == 200);
  INFO(ok.body.dump());
  CHECK(ok.body["valid"] == true);
  CHECK(ok.body["reason"].get<std::string>().starts_with("tx "));

  // Flip one hex digit of the first byte field (the block header).
  json bad = r.body;
  bool flipped = false;
  for (auto& [key, value] : bad.items()) {
    if (!flipped && value.is_string() && value.get<std::string>().size() > 8) {
      std::string v = value;
      v[4] = v[4] == '0' ? '1' : '0';
      value = v;
      flipped = true;
    }
  }
  REQUIRE(flipped);
  auto no = Verify(w, {{"proof", bad}});
  REQUIRE(no.status == 200);
  CHECK(no.body["valid"] == false);
  CHECK_FALSE(no.body["code"].get<std::string>().empty());
}

TEST_CASE("merchant: QR and proof routes follow the read matrix", "[merchant][qr]") {
  const std::map<std::string, int> allowed = {{"vendor", 200}, {"tax", 200}};
  World w;
  const Issued issued = IssueByClaim(w);
  for (const char* suffix : {"/qr.png", "/qr.svg", "/proof"}) {
    const std::string target = "/v1/invoices/" + issued.number + suffix;
    for (const std::string& key : World::KeyNames()) {
      INFO(target << " as " << key);
      auto r = w.Call(kOpNode, http::verb::get, target, "", w.Token(key));
      CHECK(r.status == (allowed.contains(key) ? 200 : 403));
    }
    CHECK(w.Call(kOpNode, http::verb::get, target, "", "").status == 401);
    auto unknown =
        w.Call(kOpNode, http::verb::get, std::string("/v1/invoices/00000000000000000000") + suffix,
               "", w.Token("tax"));
    CHECK(unknown.status == 404);
    CHECK(unknown.body["code"] == "invoice.unknown");
  }
}

TEST_CASE("merchant: POST /v1/verify is public and checks its input", "[merchant][qr]") {
  World w;
  const auto before = w.Snapshot();
  const std::vector<std::tuple<std::string, int, std::string, std::string>> cases = {
      {"{", 400, "request.malformed_json", ""},
      {R"({})", 422, "request.invalid_field", ""},
      {R"({"qr":"FPV1:x","proof":{}})", 422, "request.invalid_field", ""},
      {R"({"qr":5})", 400, "request.wrong_type", "/qr"},
      {R"({"proof":"x"})", 400, "request.wrong_type", "/proof"},
      {R"({"qr":"x","extra":1})", 400, "request.unknown_field", "/extra"},
  };
  for (const auto& [body, status, code, field] : cases) {
    INFO(body);
    auto r = w.Call(kOpNode, http::verb::post, "/v1/verify", body, "");
    CHECK(r.status == status);
    CHECK(r.body["code"] == code);
    CHECK(r.body.value("field", std::string()) == field);
  }
  for (const std::string& key : World::KeyNames()) {
    auto r = w.Call(kOpNode, http::verb::post, "/v1/verify", R"({"qr":"FPV1:%%"})", w.Token(key));
    CHECK(r.status == 200);
    CHECK(r.body["valid"] == false);
  }
  auto proof = w.Call(kOpNode, http::verb::post, "/v1/verify", R"({"proof":{"version":1}})", "");
  CHECK(proof.body["valid"] == false);
  CHECK(proof.body["code"].get<std::string>().starts_with("proof."));
  CHECK(w.Snapshot() == before);
}

}  // namespace
}  // namespace fapiao::api::merchant::test
