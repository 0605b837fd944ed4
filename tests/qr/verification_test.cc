// The fapiao verification payload:
//   - vectors: document hash, body, signing bytes, signature, payload and text
//     match tests/data/qr/vectors.json byte for byte, and decode to their fields;
//   - every flipped bit of every payload byte, and every changed text
//     character, fails decoding or verification with a stable code;
//   - wrong chain, wrong suite, wrong key, truncation, trailing bytes and bad
//     fields each fail with their own code; SM2 payloads verify too.
#include <catch2/catch.hpp>

#include "qr/base45.h"
#include "tests/qr/vectors.h"

using namespace fapiao;
using namespace fapiao::qr;
using fapiao::test::Unhex;

namespace {

Status DecodeAndVerify(ByteView payload, std::string_view chain_id, const Signer& signer,
                       SuiteId suite = SuiteId::kEd25519Sha256) {
  auto d = DecodeVerificationPayload(payload);
  if (!d.ok()) return d.status();
  auto verifier_suite = CryptoSuite::Create(suite);
  return VerifyDecoded(*d, chain_id, suite, verifier_suite->verifier(), signer.public_key_pem());
}

}  // namespace

TEST_CASE("verification payload vectors", "[qr][verification]") {
  const auto& vectors = test::QrVectors();
  CHECK(ToHex(test::VectorSigner().public_key_der())
            .ends_with(vectors.at("ed25519_public_hex").get<std::string>()));
  for (const auto& v : vectors.at("verification")) {
    INFO(v.at("name").get<std::string>());
    const std::string chain = v.at("chain_id").get<std::string>();
    const VerificationFields f = test::VectorFields(v);
    CHECK(f.document_hash.ToHex() == v.at("document_hash_hex").get<std::string>());
    auto body = EncodeVerificationBody(f);
    REQUIRE(body.ok());
    CHECK(ToHex(*body) == v.at("body_hex").get<std::string>());
    CHECK(ToHex(VerificationSigningBytes(chain, *body)) ==
          v.at("signing_bytes_hex").get<std::string>());
    auto payload = SignVerificationPayload(f, chain, test::VectorSigner());
    REQUIRE(payload.ok());
    CHECK(ToHex(*payload) == v.at("payload_hex").get<std::string>());
    CHECK(VerificationText(*payload) == v.at("text").get<std::string>());

    auto d = DecodeVerificationText(v.at("text").get<std::string>());
    REQUIRE(d.ok());
    CHECK(d->fields == f);
    CHECK(ToHex(d->signature) == v.at("signature_hex").get<std::string>());
    Status s = VerifyDecoded(*d, chain, SuiteId::kEd25519Sha256, test::Ed25519().verifier(),
                             test::VectorSigner().public_key_pem());
    CHECK(s.ok());
    CHECK(VerifyDecoded(*d, chain + "x", SuiteId::kEd25519Sha256, test::Ed25519().verifier(),
                        test::VectorSigner().public_key_pem())
              .code() == "qr.bad_signature");
  }
}

TEST_CASE("every flipped bit fails with a reason", "[qr][verification]") {
  const auto& v = test::QrVectors().at("verification")[0];
  const std::string chain = v.at("chain_id").get<std::string>();
  const Bytes payload = Unhex(v.at("payload_hex"));
  REQUIRE(DecodeAndVerify(payload, chain, test::VectorSigner()).ok());
  for (size_t i = 0; i < payload.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes bad = payload;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      const Status s = DecodeAndVerify(bad, chain, test::VectorSigner());
      INFO("byte " << i << " bit " << bit);
      REQUIRE_FALSE(s.ok());
      CHECK(s.code().starts_with("qr."));
      CHECK_FALSE(s.message().empty());
    }
  }
  const std::string text = v.at("text").get<std::string>();
  for (size_t i = 0; i < text.size(); ++i) {
    for (char c : {'0', 'Z', ':', 'a'}) {
      if (text[i] == c) continue;
      std::string bad = text;
      bad[i] = c;
      auto d = DecodeVerificationText(bad);
      INFO("text position " << i << " to " << c);
      if (!d.ok()) continue;
      CHECK_FALSE(VerifyDecoded(*d, chain, SuiteId::kEd25519Sha256, test::Ed25519().verifier(),
                                test::VectorSigner().public_key_pem())
                      .ok());
    }
  }
}

TEST_CASE("each failure has its own code", "[qr][verification]") {
  const auto& v = test::QrVectors().at("verification")[0];
  const std::string chain = v.at("chain_id").get<std::string>();
  const Bytes payload = Unhex(v.at("payload_hex"));
  auto code_of = [&](ByteView p) { return DecodeAndVerify(p, chain, test::VectorSigner()).code(); };
  CHECK(code_of(payload.substr(0, payload.size() - 1)) == "qr.truncated");
  CHECK(code_of(payload.substr(0, 10)) == "qr.truncated");
  CHECK(code_of("") == "qr.truncated");
  CHECK(code_of(payload + "x") == "qr.trailing_bytes");
  Bytes bad = payload;
  bad[0] = 2;
  CHECK(code_of(bad) == "qr.bad_version");
  bad = payload;
  bad[1] = 3;
  CHECK(code_of(bad) == "qr.bad_suite");
  bad = payload;
  bad[1] = 2;  // names SM2 on an Ed25519 chain
  CHECK(code_of(bad) == "qr.suite_mismatch");
  bad = payload;
  bad[7] = '/';  // first invoice-number digit
  CHECK(code_of(bad) == "qr.bad_invoice_number");
  const Bytes body = Unhex(v.at("body_hex"));
  CHECK(code_of(body + '\0') == "qr.bad_signature_length");

  auto other = test::Ed25519().GenerateSigner();
  CHECK(DecodeAndVerify(payload, chain, *other).code() == "qr.bad_signature");
  auto d = DecodeVerificationPayload(payload);
  REQUIRE(d.ok());
  CHECK(VerifyDecoded(*d, chain, SuiteId::kEd25519Sha256, test::Ed25519().verifier(), "not a key")
            .code() == "qr.bad_member_key");

  CHECK(DecodeVerificationText("FPV2:" + Base45Encode(payload)).status().code() == "qr.bad_prefix");
  CHECK(DecodeVerificationText("FPV1:ab").status().code() == "qr.bad_encoding");

  VerificationFields f = test::VectorFields(v);
  f.seller_id = "91530800ma6n1xq84t";
  CHECK(EncodeVerificationBody(f).status().code() == "qr.bad_seller_id");
  f = test::VectorFields(v);
  f.date = "20251131";
  CHECK(EncodeVerificationBody(f).status().code() == "qr.bad_date");
}

TEST_CASE("SM2 payloads sign and verify", "[qr][verification]") {
  auto sm2 = CryptoSuite::Create(SuiteId::kSm2Sm3);
  auto signer = sm2->GenerateSigner();
  VerificationFields f = test::VectorFields(test::QrVectors().at("verification")[1]);
  f.suite = SuiteId::kSm2Sm3;
  f.document_hash = InvoiceDocumentHash(sm2->hasher(), "record");
  auto payload = SignVerificationPayload(f, "sm-chain", *signer);
  REQUIRE(payload.ok());
  CHECK(DecodeAndVerify(*payload, "sm-chain", *signer, SuiteId::kSm2Sm3).ok());
  Bytes bad = *payload;
  bad[bad.size() - 3] ^= 0x10;
  CHECK_FALSE(DecodeAndVerify(bad, "sm-chain", *signer, SuiteId::kSm2Sm3).ok());
  CHECK(DecodeAndVerify(*payload, "sm-chain", *signer, SuiteId::kEd25519Sha256).code() ==
        "qr.suite_mismatch");
}
