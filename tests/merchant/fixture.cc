#include "tests/merchant/fixture.h"

#include <catch2/catch.hpp>

#include "api/auth/keys.h"
#include "contracts/executor.h"
#include "ledger/core/batch.h"
#include "ledger/core/block.h"
#include "ledger/core/merkle.h"

namespace fapiao::api::merchant::test {

namespace http = boost::beast::http;
using nlohmann::json;

class World::State final : public CommittedState {
 public:
  explicit State(World& world) : w_(world) {}
  const StateView& view() const override { return w_.chain_.state(); }
  uint64_t height() const override {
    std::lock_guard lock(w_.mu_);
    return w_.height_;
  }
  uint64_t block_time_ms() const override {
    std::lock_guard lock(w_.mu_);
    if (w_.proofs_.empty()) return 0;
    pb::BlockHeader header;
    header.ParseFromString(w_.proofs_.rbegin()->second.second.block_header);
    return header.timestamp_ms();
  }
  Result<TxInclusionProof> ProveEvent(uint64_t height, std::string_view event) const override {
    std::lock_guard lock(w_.mu_);
    auto it = w_.proofs_.find(height);
    if (it == w_.proofs_.end() || std::find(it->second.first.begin(), it->second.first.end(),
                                            event) == it->second.first.end()) {
      return Status::Error("store.tx_not_found", std::string(event));
    }
    return it->second.second;
  }
  // Like the node: at once when `height` is committed, else when a submit commits it
  // (or the test expires the wait, as the timeout would).
  void AwaitHeight(uint64_t height, std::chrono::milliseconds,
                   std::function<void()> then) const override {
    {
      std::lock_guard lock(w_.mu_);
      if (height > w_.height_) {
        w_.awaits_.emplace(height, std::move(then));
        w_.awaits_cv_.notify_all();
        return;
      }
    }
    then();
  }

 private:
  World& w_;
};

class World::FakeSubmitter final : public Submitter {
 public:
  FakeSubmitter(World& world, uint32_t member) : w_(world), member_(member) {}
  void Submit(uint32_t kind, Bytes payload, Done done, const SubmitOptions& options) override {
    SubmitOutcome out;
    std::vector<std::function<void()>> due;
    {
      std::lock_guard lock(w_.mu_);
      ++w_.submits_;
      pb::Transaction tx;
      tx.set_chain_id(contracts::test::kChain);
      tx.set_kind(kind);
      tx.set_payload(std::move(payload));
      tx.set_member(member_);
      tx.set_sequence(++sequence_);
      tx.set_idempotency_key(options.idempotency_key);
      tx.set_request_hash(options.request_hash);
      const uint64_t height = ++w_.height_;
      w_.chain_.Advance(1000);
      const Hash tx_id = TxId(w_.chain_.hasher(), tx.SerializeAsString());
      contracts::BlockContext ctx{Height{height}, w_.chain_.now(), &w_.chain_.hasher(),
                                  std::span<const Hash>(&tx_id, 1)};
      contracts::BlockResult res =
          contracts::ExecuteBlock(w_.chain_.state(), std::span<const pb::Transaction>(&tx, 1), ctx);
      w_.chain_.state().Apply(res.writes);
      const pb::Receipt& r = res.receipts.at(0);
      const std::vector<std::string> events(r.events().begin(), r.events().end());
      w_.proofs_[height] = {events, w_.Prove(tx, height)};
      out.tx_id = tx_id.ToHex();
      out.height = height;
      out.accepted = r.accepted();
      out.code = r.code();
      out.events.assign(r.events().begin(), r.events().end());
      auto end = w_.awaits_.upper_bound(height);
      for (auto it = w_.awaits_.begin(); it != end; ++it) due.push_back(std::move(it->second));
      w_.awaits_.erase(w_.awaits_.begin(), end);
    }
    done(std::move(out));
    for (auto& then : due) then();
  }

 private:
  World& w_;
  uint32_t member_;
  uint64_t sequence_ = 0;
};

struct World::Node {
  FakeSubmitter submitter;
  std::unique_ptr<api::testing::ServerFixture> server;
};

World::World() {
  claims_ = std::make_unique<ClaimTokens>(Bytes(kClaimSecretBytes, 'k'), chain_.hasher());
  state_ = std::make_unique<State>(*this);
  suite_ = CryptoSuite::Create(SuiteId::kEd25519Sha256);
  anchors_ = {contracts::test::kChain, SuiteId::kEd25519Sha256, {}};
  for (uint32_t m = 0; m <= contracts::test::kPay2; ++m) {
    signers_.push_back(suite_->GenerateSigner());
    anchors_.members.push_back({"member-" + std::to_string(m),
                                m == contracts::test::kOp || m == contracts::test::kOp2,
                                signers_.back()->public_key_pem()});
  }
  const std::vector<std::tuple<std::string, auth::Role, std::string>> keys = {
      {"vendor", auth::Role::kVendor, "v-1"},
      {"vendor_other", auth::Role::kVendor, "v-2"},
      {"operator", auth::Role::kMarketOperator, "M1"},
      {"operator_other", auth::Role::kMarketOperator, "M2"},
      {"provider", auth::Role::kPaymentProvider, "2"},
      {"provider_other", auth::Role::kPaymentProvider, "6"},
      {"reimburser", auth::Role::kReimbursingOrg, "org-a"},
      {"tax", auth::Role::kTaxOfficer, "officer-7"},
      {"org_a", auth::Role::kReimbursingOrg, std::to_string(kOrgNode)},
      {"org_b", auth::Role::kReimbursingOrg, std::to_string(kOrgNodeB)},
  };
  for (const auto& [name, role, scope] : keys) {
    auto issued = auth::IssueKey(keys_, role, scope, name, 1);
    REQUIRE(issued.ok());
    tokens_[name] = issued->token;
  }
  for (uint32_t member : {kOpNode, kPayNode}) {
    auto node = std::unique_ptr<Node>(new Node{FakeSubmitter(*this, member), nullptr});
    Router router;
    AddMerchantRoutes(
        router,
        {state_.get(), &node->submitter, &keys_, claims_.get(),
         NodeIdentity{member, member == kOpNode ? pb::MARKET_OPERATOR : pb::PAYMENT_PROVIDER,
                      contracts::test::kChain, "https://node.example", &chain_.hasher(),
                      signers_[member].get(), SuiteId::kEd25519Sha256},
         &anchors_});
    node->server = std::make_unique<api::testing::ServerFixture>(std::move(router));
    nodes_[member] = std::move(node);
  }
  for (uint32_t member : {kOrgNode, kOrgNodeB}) StartNode(member, pb::REIMBURSING_ORG);
}

void World::StartNode(uint32_t member, pb::Role role) {
  auto node = std::unique_ptr<Node>(new Node{FakeSubmitter(*this, member), nullptr});
  Router router;
  AddMerchantRoutes(
      router, {state_.get(), &node->submitter, &keys_, claims_.get(),
               NodeIdentity{member, role, contracts::test::kChain, "https://node.example",
                            &chain_.hasher(), signers_[member].get(), SuiteId::kEd25519Sha256},
               &anchors_});
  node->server = std::make_unique<api::testing::ServerFixture>(std::move(router));
  nodes_[member] = std::move(node);
}

World::~World() = default;

const CommittedState& World::committed() const {
  return *state_;
}

void World::WaitForAwaits(size_t n) {
  std::unique_lock lock(mu_);
  awaits_cv_.wait(lock, [&] { return awaits_.size() >= n; });
}

void World::ExpireAwaits() {
  std::multimap<uint64_t, std::function<void()>> due;
  {
    std::lock_guard lock(mu_);
    due.swap(awaits_);
  }
  for (auto& [height, then] : due) then();
}

uint64_t World::height() {
  std::lock_guard lock(mu_);
  return height_;
}

void World::AdvanceClock(uint64_t ms) {
  std::lock_guard lock(mu_);
  chain_.Advance(ms);
}

TxInclusionProof World::Prove(const pb::Transaction& tx, uint64_t height) const {
  const Hasher& h = chain_.hasher();
  const std::string chain = contracts::test::kChain;
  BlockFields fields;
  fields.chain_id = chain;
  fields.height = height;
  fields.timestamp_ms = chain_.now();
  fields.view = 0;
  pb::Block block =
      MakeBlock(h, fields,
                {MakeSignedBatch(h, *signers_.at(tx.member()), chain, MemberId{tx.member()},
                                 tx.sequence(), {tx.SerializeAsString()})});
  const Hash id = BlockId(h, block.header());
  pb::CommitCertificate cert;
  cert.set_height(height);
  cert.set_view(0);
  cert.set_block_id(id.ToBytes());
  for (uint32_t m = 0; m < signers_.size(); ++m) {
    auto* v = cert.add_votes();
    v->set_member(m);
    v->set_signature(signers_[m]->Sign(CommitStatement(chain, 0, height, id)));
  }
  TxInclusionProof proof;
  proof.in_batch = ProveTxInBatch(h, block.batches(0), 0);
  proof.batch_index = 0;
  const std::vector<Hash> leaves = {MerkleLeafHash(h, BatchLeafData(block.batches(0)))};
  proof.batch_path = MerkleInclusionProof(h, leaves, 0);
  proof.block_header = block.header();
  proof.certificate = cert.SerializeAsString();
  return proof;
}

const std::vector<std::string>& World::KeyNames() {
  static const std::vector<std::string> names = {"vendor",         "vendor_other", "operator",
                                                 "operator_other", "provider",     "provider_other",
                                                 "reimburser",     "tax"};
  return names;
}

Reply CallPort(uint16_t port, http::verb method, const std::string& target, const std::string& body,
               const std::string& token, const std::string& content_type,
               const api::Fields& headers) {
  api::testing::TestClient client(port);
  auto req = api::testing::MakeRequest(method, target, body, content_type);
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  for (const auto& [name, value] : headers) req.set(name, value);
  REQUIRE_FALSE(client.Send(std::move(req)));
  api::testing::ClientResponse res;
  REQUIRE_FALSE(client.Read(res));
  Reply r;
  r.status = static_cast<int>(res.result_int());
  r.content_type = std::string(res[http::field::content_type]);
  r.www_authenticate = std::string(res[http::field::www_authenticate]);
  r.retry_after = std::string(res[http::field::retry_after]);
  r.raw = res.body();
  r.body = json::parse(res.body(), nullptr, false);
  return r;
}

void CheckProblem(const Reply& r, int status, const std::string& code, const std::string& field) {
  CHECK(r.status == status);
  CHECK(r.content_type == "application/problem+json");
  CHECK(r.body["code"] == code);
  if (field.empty()) {
    CHECK_FALSE(r.body.contains("field"));
  } else {
    CHECK(r.body["field"] == field);
  }
}

Reply World::Call(uint32_t member, http::verb method, const std::string& target,
                  const std::string& body, const std::string& token,
                  const std::string& content_type, const api::Fields& headers) {
  return CallPort(nodes_.at(member)->server->port(), method, target, body, token, content_type,
                  headers);
}

std::map<std::pair<int, std::string>, std::string> World::Snapshot() {
  std::lock_guard lock(mu_);
  std::map<std::pair<int, std::string>, std::string> out;
  for (Column col : {Column::kState, Column::kIndex}) {
    chain_.state().ScanPrefix(col, "", [&](ByteView k, ByteView v) {
      out[{static_cast<int>(col), std::string(k)}] = std::string(v);
      return true;
    });
  }
  return out;
}

json VendorBody(const std::string& id, const std::string& market) {
  return json{{"vendor_id", id},
              {"name", "Stall " + id},
              {"taxpayer_id", {{"kind", "uscc"}, {"value", contracts::test::MakeUscc(1234567)}}},
              {"market", market},
              {"stall", "A-12"},
              {"taxpayer_type", "small_scale"},
              {"defaults",
               {{{"item_class", "vegetables"},
                 {"treatment", {{"treatment", "exempt"}, {"policy_code", "VEG-RETAIL"}}}}}}};
}

json PaymentBody(const std::string& reference, int64_t fen) {
  return json{{"vendor_id", "v-1"},
              {"amount_fen", fen},
              {"paid_at", "2026-11-20T09:59:00+08:00"},
              {"reference", reference},
              {"items", {{{"name", "tomatoes"}, {"quantity", "2.5"}, {"amount_fen", fen}}}}};
}

nlohmann::json SaleClaimBody(World& w) {
  namespace http = boost::beast::http;
  REQUIRE(w.Call(kOpNode, http::verb::post, "/v1/vendors", VendorBody("v-1").dump(),
                 w.Token("operator"))
              .status == 201);
  auto p = w.Call(kPayNode, http::verb::post, "/v1/payments", PaymentBody("R-1").dump(),
                  w.Token("provider"));
  REQUIRE(p.status == 201);
  return nlohmann::json{
      {"claim", {{"provider", kPayNode}, {"reference", "R-1"}, {"token", p.body["claim_token"]}}},
      {"title", {{"type", "individual"}, {"name", "Li"}}}};
}

Issued IssueByClaim(World& w) {
  namespace http = boost::beast::http;
  const nlohmann::json body = SaleClaimBody(w);
  auto r = w.Call(kOpNode, http::verb::post, "/v1/invoices", body.dump(), "");
  REQUIRE(r.status == 201);
  return {r.body["invoice"]["number"], body["claim"]["token"]};
}

}  // namespace fapiao::api::merchant::test
