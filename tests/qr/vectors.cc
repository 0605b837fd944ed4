#include "tests/qr/vectors.h"

#include <fstream>
#include <stdexcept>

namespace fapiao::test {

const nlohmann::json& QrVectors() {
  static const nlohmann::json vectors = [] {
    std::ifstream in(std::string(FAPIAO_TEST_DATA_DIR) + "/qr/vectors.json");
    if (!in) throw std::runtime_error("cannot read tests/data/qr/vectors.json");
    return nlohmann::json::parse(in);
  }();
  return vectors;
}

Bytes Unhex(const nlohmann::json& hex_string) {
  auto b = FromHex(hex_string.get<std::string>());
  if (!b) throw std::runtime_error("bad hex in vectors.json");
  return *b;
}

CryptoSuite& Ed25519() {
  static const std::unique_ptr<CryptoSuite> suite = CryptoSuite::Create(SuiteId::kEd25519Sha256);
  return *suite;
}

const Signer& VectorSigner() {
  static const std::unique_ptr<Signer> signer = [] {
    auto s = Ed25519().SignerFromSeed(Unhex(QrVectors().at("ed25519_seed_hex")));
    if (!s.ok()) throw std::runtime_error(s.status().ToString());
    return std::move(*s);
  }();
  return *signer;
}

qr::VerificationFields VectorFields(const nlohmann::json& v) {
  qr::VerificationFields f;
  f.suite = static_cast<SuiteId>(v.at("suite").get<int>());
  f.member = v.at("member").get<uint32_t>();
  f.invoice_number = v.at("invoice_number").get<std::string>();
  f.date = v.at("date").get<std::string>();
  f.seller_id = v.at("seller_id").get<std::string>();
  f.total_fen = v.at("total_fen").get<int64_t>();
  f.document_hash = qr::InvoiceDocumentHash(Ed25519().hasher(), Unhex(v.at("invoice_record_hex")));
  return f;
}

}  // namespace fapiao::test
