#include "qr/proof_json.h"

#include <nlohmann/json.hpp>
#include <set>

namespace fapiao::qr {
namespace {

using nlohmann::json;

json PathToJson(const std::vector<Hash>& path) {
  json out = json::array();
  for (const Hash& h : path) out.push_back(h.ToHex());
  return out;
}

Status BadJson(const std::string& why) {
  return Status::Error("proof.bad_json", why);
}

Result<Bytes> HexField(const json& j, const char* key) {
  if (!j.at(key).is_string()) return BadJson(std::string(key) + ": expected a hex string");
  auto bytes = FromHex(j.at(key).get<std::string>());
  if (!bytes) return Status::Error("proof.bad_hex", std::string(key) + ": not hex");
  return *bytes;
}

Result<uint64_t> IndexField(const json& j, const char* key) {
  if (!j.at(key).is_number_unsigned()) {
    return BadJson(std::string(key) + ": expected an unsigned integer");
  }
  return j.at(key).get<uint64_t>();
}

Result<std::vector<Hash>> PathField(const json& j, const char* key) {
  if (!j.at(key).is_array()) return BadJson(std::string(key) + ": expected an array");
  std::vector<Hash> out;
  for (const json& e : j.at(key)) {
    auto h = e.is_string() ? Hash::FromHex(e.get<std::string>()) : std::nullopt;
    if (!h) return Status::Error("proof.bad_hex", std::string(key) + ": entry is not 32-byte hex");
    out.push_back(*h);
  }
  return out;
}

}  // namespace

std::string ProofToJson(const TxInclusionProof& p) {
  json j;
  j["version"] = kProofJsonVersion;
  j["tx"] = ToHex(p.in_batch.tx_bytes);
  j["batch_header"] = ToHex(p.in_batch.header_bytes);
  j["batch_signature"] = ToHex(p.in_batch.signature);
  j["tx_index"] = p.in_batch.index;
  j["tx_path"] = PathToJson(p.in_batch.path);
  j["batch_index"] = p.batch_index;
  j["batch_path"] = PathToJson(p.batch_path);
  j["block_header"] = ToHex(p.block_header);
  j["certificate"] = ToHex(p.certificate);
  return j.dump(2) + "\n";
}

Result<TxInclusionProof> ProofFromJson(std::string_view text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return BadJson("proof is not a JSON object");
  static const std::set<std::string> kKeys = {
      "version", "tx",          "batch_header", "batch_signature", "tx_index",
      "tx_path", "batch_index", "batch_path",   "block_header",    "certificate"};
  for (const auto& [key, value] : j.items()) {
    if (!kKeys.contains(key)) return BadJson("unknown key \"" + key + "\"");
  }
  for (const std::string& key : kKeys) {
    if (!j.contains(key)) return BadJson("missing key \"" + key + "\"");
  }
  if (!j.at("version").is_number_unsigned() || j.at("version").get<uint64_t>() != 1) {
    return BadJson("version: expected 1");
  }
  TxInclusionProof p;
  auto tx = HexField(j, "tx");
  if (!tx.ok()) return tx.status();
  auto header = HexField(j, "batch_header");
  if (!header.ok()) return header.status();
  auto signature = HexField(j, "batch_signature");
  if (!signature.ok()) return signature.status();
  auto tx_index = IndexField(j, "tx_index");
  if (!tx_index.ok()) return tx_index.status();
  auto tx_path = PathField(j, "tx_path");
  if (!tx_path.ok()) return tx_path.status();
  auto batch_index = IndexField(j, "batch_index");
  if (!batch_index.ok()) return batch_index.status();
  auto batch_path = PathField(j, "batch_path");
  if (!batch_path.ok()) return batch_path.status();
  auto block_header = HexField(j, "block_header");
  if (!block_header.ok()) return block_header.status();
  auto certificate = HexField(j, "certificate");
  if (!certificate.ok()) return certificate.status();
  p.in_batch.tx_bytes = std::move(*tx);
  p.in_batch.header_bytes = std::move(*header);
  p.in_batch.signature = std::move(*signature);
  p.in_batch.index = *tx_index;
  p.in_batch.path = std::move(*tx_path);
  p.batch_index = *batch_index;
  p.batch_path = std::move(*batch_path);
  p.block_header = std::move(*block_header);
  p.certificate = std::move(*certificate);
  return p;
}

}  // namespace fapiao::qr
