#include "node/node_api.h"

#include <nlohmann/json.hpp>

#include "api/problem.h"
#include "ledger/core/batch.h"
#include "ledger/store/block_store.h"
#include "proto/node.pb.h"

namespace fapiao::node {

namespace {

using api::JsonResponse;
using api::MakeProblem;
using api::ProblemResponse;
using nlohmann::json;

json OutcomeJson(const TxOutcome& o) {
  json j{{"tx_id", o.tx_id.ToHex()},
         {"status", "committed"},
         {"height", o.height},
         {"accepted", o.accepted}};
  if (!o.accepted) j["code"] = o.code;
  if (!o.events.empty()) j["events"] = o.events;
  return j;
}

api::Response StatusResponse(const Node& node) {
  const NodeStatus s = node.Snapshot();
  return JsonResponse(200, json{{"member", s.member},
                                {"name", s.name},
                                {"chain_id", s.chain_id},
                                {"suite", s.suite},
                                {"height", s.height},
                                {"tip", s.tip_id},
                                {"view", s.view},
                                {"view_changing", s.view_changing},
                                {"halted", s.halted},
                                {"halt_reason", s.halt_reason},
                                {"mempool_transactions", s.mempool_txs},
                                {"peers_connected", s.peers_connected},
                                {"peers", s.peers_total}});
}

const api::FieldSpec kSubmitSpec[] = {
    {"kind", api::JsonType::kInteger, true, {}},
    {"payload_hex", api::JsonType::kString, true, {}},
    {"wait", api::JsonType::kBoolean, false, {}},
};

void SubmitTransaction(Node& node, const api::Request& req, api::Responder respond) {
  // The node signs raw transactions with its member key: only this host may ask.
  if (!IsLoopbackAddress(req.remote_address)) {
    return respond(ProblemResponse(MakeProblem(
        403, "node.local_only",
        "raw transactions are signed with this node's member key; submit them from the node's "
        "own host (127.0.0.1), or use the merchant API")));
  }
  auto body = api::ParseJsonBody(req, kSubmitSpec);
  if (!body.ok()) return respond(ProblemResponse(body.problem()));
  const json& j = body.value();
  const auto kind = j["kind"].get<int64_t>();
  if (kind <= 0 || kind > UINT32_MAX) {
    return respond(ProblemResponse(MakeProblem(422, "request.invalid_field",
                                               "kind must be a transaction kind number", "/kind")));
  }
  auto payload = FromHex(j["payload_hex"].get<std::string>());
  if (!payload) {
    return respond(ProblemResponse(MakeProblem(422, "request.invalid_field",
                                               "payload_hex is not hexadecimal", "/payload_hex")));
  }
  const bool wait = j.value("wait", true);
  std::function<void(Result<TxOutcome>)> done;
  if (wait) {
    done = [respond](Result<TxOutcome> r) {
      if (!r.ok()) {
        return respond(ProblemResponse(api::ProblemFromStatus(503, r.status())));
      }
      respond(JsonResponse(200, OutcomeJson(*r)));
    };
  }
  auto id = node.Submit(static_cast<uint32_t>(kind), std::move(*payload), done);
  if (!id.ok()) {
    const std::string& code = id.status().code();
    const int status = code == "mempool.full" ? 429 : code == "mempool.role" ? 403 : 503;
    return respond(ProblemResponse(api::ProblemFromStatus(status, id.status())));
  }
  if (!wait) {
    respond(JsonResponse(202, json{{"tx_id", id->ToHex()},
                                   {"status", "pending"},
                                   {"status_url", "/v1/transactions/" + id->ToHex()}}));
  }
}

void SubmitBatch(Node& node, const api::Request& req, api::Responder respond) {
  pb::SignedBatch batch;
  if (!batch.ParseFromString(req.body)) {
    return respond(ProblemResponse(
        MakeProblem(400, "request.malformed_batch", "the body is not a serialized SignedBatch")));
  }
  const bool wait = req.Query("wait") == std::optional<std::string_view>("true");
  auto ids_json = std::make_shared<json>(json::array());
  std::function<void(Result<TxOutcome>)> done;
  if (wait) {
    done = [respond, ids_json](Result<TxOutcome> r) {
      if (!r.ok()) return respond(ProblemResponse(api::ProblemFromStatus(503, r.status())));
      respond(JsonResponse(
          200, json{{"status", "committed"}, {"height", r->height}, {"tx_ids", *ids_json}}));
    };
  }
  // The ids are filled in before the batch can be proposed, hence before `done` runs.
  std::vector<Hash> ids;
  for (const auto& t : batch.transactions()) ids.push_back(TxId(node.hasher(), t));
  for (const Hash& id : ids) ids_json->push_back(id.ToHex());
  auto r = node.SubmitBatch(batch, std::move(done));
  if (!r.ok()) {
    const std::string& code = r.status().code();
    const int status = code == "mempool.full"        ? 429
                       : code == "mempool.duplicate" ? 409
                       : code == "mempool.role"      ? 403
                                                     : 422;
    return respond(ProblemResponse(api::ProblemFromStatus(status, r.status())));
  }
  if (!wait) respond(JsonResponse(202, json{{"status", "pending"}, {"tx_ids", *ids_json}}));
}

api::Response GetTransaction(const Node& node, const api::Request& req) {
  auto id = Hash::FromHex(req.PathParam("id").value_or(""));
  if (!id) {
    return ProblemResponse(
        MakeProblem(400, "request.invalid_id", "a transaction id is 64 hexadecimal digits", "/id"));
  }
  auto o = node.Lookup(*id);
  if (!o) {
    return ProblemResponse(
        MakeProblem(404, "tx.not_found", "no committed transaction with this id"));
  }
  return JsonResponse(200, OutcomeJson(*o));
}

api::Response GetBlock(const Node& node, const api::Request& req) {
  const std::string h = std::string(req.PathParam("height").value_or(""));
  uint64_t height = 0;
  if (h.empty() || h.size() > 19 || h.find_first_not_of("0123456789") != std::string::npos) {
    return ProblemResponse(
        MakeProblem(400, "request.invalid_height", "height is a block number", "/height"));
  }
  height = std::stoull(h);
  auto bytes = node.store().BlockAt(height);
  auto rec_bytes = node.store().ReceiptsAt(height);
  pb::Block block;
  pb::BlockHeader header;
  pb::ExecutionRecord rec;
  if (!bytes || !rec_bytes || !block.ParseFromString(*bytes) ||
      !header.ParseFromString(block.header()) || !rec.ParseFromString(*rec_bytes)) {
    return ProblemResponse(MakeProblem(404, "block.not_found", "no block at this height"));
  }
  return JsonResponse(200, json{{"height", height},
                                {"id", ToHex(rec.block_id())},
                                {"prev_hash", ToHex(header.prev_hash())},
                                {"anchor_height", header.anchor_height()},
                                {"view", header.view()},
                                {"proposer", header.proposer()},
                                {"timestamp_ms", header.timestamp_ms()},
                                {"effective_time_ms", rec.effective_time_ms()},
                                {"batches", header.batch_count()},
                                {"transactions", header.tx_count()},
                                {"chain_root", ToHex(rec.chain_root())}});
}

}  // namespace

bool IsLoopbackAddress(std::string_view a) {
  return a.starts_with("127.") || a == "::1" || a.starts_with("::ffff:127.");
}

void AddNodeRoutes(api::Router& router, Node& node) {
  router.Add("GET", "/v1/status", [&node](const api::Request&) { return StatusResponse(node); });
  router.Add("GET", "/healthz", [](const api::Request&) {
    return JsonResponse(200, json{{"status", "ok"}});
  });
  router.Add("GET", "/readyz", [&node](const api::Request&) {
    const NodeStatus s = node.Snapshot();
    if (s.halted) return ProblemResponse(MakeProblem(503, "node.halted", s.halt_reason));
    if (s.view_changing) {
      return ProblemResponse(MakeProblem(503, "node.view_change", "a view change is in progress"));
    }
    return JsonResponse(200, json{{"status", "ready"}, {"height", s.height}});
  });
  router.AddAsync("POST", "/v1/transactions", [&node](const api::Request& req, api::Responder r) {
    SubmitTransaction(node, req, std::move(r));
  });
  router.Add("GET", "/v1/transactions/{id}",
             [&node](const api::Request& req) { return GetTransaction(node, req); });
  router.AddAsync(
      "POST", "/v1/batches",
      [&node](const api::Request& req, api::Responder r) { SubmitBatch(node, req, std::move(r)); },
      api::RouteOptions{32u << 20});
  router.Add("GET", "/v1/blocks/{height}",
             [&node](const api::Request& req) { return GetBlock(node, req); });
}

}  // namespace fapiao::node
