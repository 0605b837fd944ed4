// Crypto suites: known-answer vectors, round trips, tamper rejection, key cache.
// Scenarios:
//   - SHA-256 and SM3 of "abc" match the published vectors.
//   - Ed25519 RFC 8032 test vectors 1-3: public key, signature, and verification.
//   - SM2: sign/verify round trip; any altered byte of signature or message fails.
//   - Both suites: 1,000 messages signed and verified; PEM round trip; key ids cached.
#include <catch2/catch.hpp>

#include "ledger/core/crypto.h"

using namespace fapiao;

namespace {
Bytes Hex(std::string_view h) {
  auto b = FromHex(h);
  REQUIRE(b.has_value());
  return *b;
}
}  // namespace

TEST_CASE("SHA-256 and SM3 known answers for \"abc\"", "[crypto]") {
  auto sha = CryptoSuite::Create(SuiteId::kEd25519Sha256);
  CHECK(sha->hasher().Digest("abc").ToHex() ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto sm = CryptoSuite::Create(SuiteId::kSm2Sm3);
  CHECK(sm->hasher().Digest("abc").ToHex() ==
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  // DigestParts hashes the concatenation.
  const std::array<ByteView, 3> parts{"a", "", "bc"};
  CHECK(sm->hasher().DigestParts(parts) == sm->hasher().Digest("abc"));
}

TEST_CASE("Ed25519 RFC 8032 test vectors", "[crypto]") {
  struct Vector {
    const char* seed;
    const char* pub;
    const char* msg;
    const char* sig;
  };
  const Vector vectors[] = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf"
       "9b4"
       "6bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f"
       "11d"
       "8c387b2eaeb4302aeeb00d291612bb0c00"},
      {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
       "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
       "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984"
       "dc6"
       "594a7c15e9716ed28dc027beceea1ec40a"},
  };
  auto suite = CryptoSuite::Create(SuiteId::kEd25519Sha256);
  for (const auto& v : vectors) {
    auto signer = suite->SignerFromSeed(Hex(v.seed));
    REQUIRE(signer.ok());
    const Bytes& der = (*signer)->public_key_der();
    // SPKI DER for Ed25519 ends with the 32-byte raw public key.
    CHECK(ToHex(ByteView(der).substr(der.size() - 32)) == v.pub);
    const Bytes msg = Hex(v.msg);
    const Bytes sig = (*signer)->Sign(msg);
    CHECK(ToHex(sig) == v.sig);
    CHECK(suite->verifier().VerifyWithKey(der, msg, Hex(v.sig)));
  }
}

TEST_CASE("every altered byte of signature or message is rejected", "[crypto]") {
  for (SuiteId id : {SuiteId::kEd25519Sha256, SuiteId::kSm2Sm3}) {
    INFO("suite " << SuiteName(id));
    auto suite = CryptoSuite::Create(id);
    auto signer = suite->GenerateSigner();
    auto key = suite->verifier().AddKey(signer->public_key_der());
    REQUIRE(key.ok());
    CHECK(*key == signer->key_id());
    const Bytes msg = "fapiao invoice 25530000000000000001";
    const Bytes sig = signer->Sign(msg);
    REQUIRE(!sig.empty());
    REQUIRE(suite->verifier().Verify(*key, msg, sig));
    for (size_t i = 0; i < sig.size(); ++i) {
      Bytes bad = sig;
      bad[i] = static_cast<char>(bad[i] ^ 0x01);
      CHECK_FALSE(suite->verifier().Verify(*key, msg, bad));
    }
    for (size_t i = 0; i < msg.size(); ++i) {
      Bytes bad = msg;
      bad[i] = static_cast<char>(bad[i] ^ 0x80);
      CHECK_FALSE(suite->verifier().Verify(*key, bad, sig));
    }
    CHECK_FALSE(suite->verifier().Verify(*key, msg, sig.substr(0, sig.size() - 1)));
    CHECK_FALSE(suite->verifier().Verify(*key, msg, ""));
    // An unknown key id verifies nothing.
    CHECK_FALSE(suite->verifier().Verify(Hash(), msg, sig));
  }
}

TEST_CASE("both suites sign and verify a batch of 1,000 messages", "[crypto]") {
  for (SuiteId id : {SuiteId::kEd25519Sha256, SuiteId::kSm2Sm3}) {
    INFO("suite " << SuiteName(id));
    auto suite = CryptoSuite::Create(id);
    auto signer = suite->GenerateSigner();
    auto key = suite->verifier().AddKey(signer->public_key_pem());
    REQUIRE(key.ok());
    std::vector<Bytes> sigs;
    for (int i = 0; i < 1000; ++i) sigs.push_back(signer->Sign("message " + std::to_string(i)));
    int ok = 0;
    for (int i = 0; i < 1000; ++i)
      ok += suite->verifier().Verify(*key, "message " + std::to_string(i),
                                     sigs[static_cast<size_t>(i)]);
    CHECK(ok == 1000);
    // Signatures are bound to their own message.
    CHECK_FALSE(suite->verifier().Verify(*key, "message 1", sigs[0]));
  }
}

TEST_CASE("keys round-trip through PEM and are bound to their suite", "[crypto]") {
  auto ed = CryptoSuite::Create(SuiteId::kEd25519Sha256);
  auto sm = CryptoSuite::Create(SuiteId::kSm2Sm3);
  for (CryptoSuite* suite : {ed.get(), sm.get()}) {
    auto signer = suite->GenerateSigner();
    auto loaded = suite->LoadSigner(signer->private_key_pem());
    REQUIRE(loaded.ok());
    CHECK((*loaded)->key_id() == signer->key_id());
    const Bytes sig = (*loaded)->Sign("x");
    CHECK(suite->verifier().VerifyWithKey(signer->public_key_der(), "x", sig));
  }
  auto sm_signer = sm->GenerateSigner();
  auto wrong = ed->LoadSigner(sm_signer->private_key_pem());
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().code() == "crypto.wrong_key_type");
  CHECK(ed->verifier().AddKey(sm_signer->public_key_pem()).status().code() ==
        "crypto.wrong_key_type");
  CHECK(ed->LoadSigner("not a key").status().code() == "crypto.bad_private_key");
  CHECK(ed->verifier().AddKey("garbage").status().code() == "crypto.bad_public_key");
  CHECK(ParseSuite("sm2-sm3") == SuiteId::kSm2Sm3);
  CHECK(ParseSuite("rsa") == std::nullopt);
}
