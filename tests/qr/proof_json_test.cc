// The JSON form of TxInclusionProof:
//   - ToJson then FromJson gives back every field;
//   - wrong types, missing and unknown keys, bad hex and bad path entries are
//     refused with proof.bad_json / proof.bad_hex.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "qr/proof_json.h"

using namespace fapiao;
using namespace fapiao::qr;

namespace {

TxInclusionProof SampleProof() {
  TxInclusionProof p;
  p.in_batch.tx_bytes = "tx";
  p.in_batch.header_bytes = "header";
  p.in_batch.signature = Bytes("\x00\xff", 2);
  p.in_batch.index = 5;
  p.in_batch.path = {*Hash::FromHex(std::string(64, 'a')), *Hash::FromHex(std::string(64, 'b'))};
  p.batch_index = 1;
  p.batch_path = {*Hash::FromHex(std::string(64, 'c'))};
  p.block_header = "block";
  p.certificate = "cert";
  return p;
}

}  // namespace

TEST_CASE("proof JSON round trip", "[qr][proof]") {
  const TxInclusionProof p = SampleProof();
  const std::string text = ProofToJson(p);
  auto back = ProofFromJson(text);
  REQUIRE(back.ok());
  CHECK(back->in_batch.tx_bytes == p.in_batch.tx_bytes);
  CHECK(back->in_batch.header_bytes == p.in_batch.header_bytes);
  CHECK(back->in_batch.signature == p.in_batch.signature);
  CHECK(back->in_batch.index == 5);
  CHECK(back->in_batch.path == p.in_batch.path);
  CHECK(back->batch_index == 1);
  CHECK(back->batch_path == p.batch_path);
  CHECK(back->block_header == p.block_header);
  CHECK(back->certificate == p.certificate);
  CHECK(ProofToJson(*back) == text);
}

TEST_CASE("malformed proof JSON is refused", "[qr][proof]") {
  const auto good = nlohmann::json::parse(ProofToJson(SampleProof()));
  auto code_of = [&](auto mutate) {
    nlohmann::json j = good;
    mutate(j);
    return ProofFromJson(j.dump()).status().code();
  };
  CHECK(ProofFromJson("{").status().code() == "proof.bad_json");
  CHECK(ProofFromJson("[]").status().code() == "proof.bad_json");
  CHECK(code_of([](auto& j) { j.erase("certificate"); }) == "proof.bad_json");
  CHECK(code_of([](auto& j) { j["extra"] = 1; }) == "proof.bad_json");
  CHECK(code_of([](auto& j) { j["version"] = 2; }) == "proof.bad_json");
  CHECK(code_of([](auto& j) { j["tx_index"] = -1; }) == "proof.bad_json");
  CHECK(code_of([](auto& j) { j["tx_index"] = "5"; }) == "proof.bad_json");
  CHECK(code_of([](auto& j) { j["tx"] = 7; }) == "proof.bad_json");
  CHECK(code_of([](auto& j) { j["tx"] = "abc"; }) == "proof.bad_hex");
  CHECK(code_of([](auto& j) { j["block_header"] = "zz"; }) == "proof.bad_hex");
  CHECK(code_of([](auto& j) { j["tx_path"][0] = "abcd"; }) == "proof.bad_hex");
  CHECK(code_of([](auto& j) { j["batch_path"] = "x"; }) == "proof.bad_json");
}
