// Test fixture for the merchant routes: one contract chain (MemState with the
// standard genesis of tests/contracts/harness.h) shared by two in-process
// nodes on 127.0.0.1:0 — the market operator's (member 1) and the payment
// provider's (member 2) — whose fake submitters execute each transaction in
// its own block with contracts::ExecuteBlock, and build that block as a real
// signed batch, block and commit certificate (all seven members' generated
// keys) so inclusion proofs verify. Keys per role in a MemoryKeyStore.
// Requests are made from the test thread; the fakes lock the shared chain.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "api/auth/key_store.h"
#include "api/merchant/merchant_api.h"
#include "tests/api/test_client.h"
#include "tests/contracts/harness.h"

namespace fapiao::api::merchant::test {

struct Reply {
  int status = 0;
  nlohmann::json body;
  std::string content_type;
  std::string www_authenticate;
  std::string retry_after;
  std::string raw;  // the body as received
};

// One request to the server on 127.0.0.1:`port` (token as a Bearer key when non-empty).
Reply CallPort(uint16_t port, boost::beast::http::verb method, const std::string& target,
               const std::string& body, const std::string& token,
               const std::string& content_type = "application/json",
               const api::Fields& headers = {});

// The problem answer a bad request must get: `status`, `code`, and `field` (absent when empty).
void CheckProblem(const Reply& r, int status, const std::string& code, const std::string& field);

class World {
 public:
  World();
  ~World();

  // Keys: "vendor" (v-1), "vendor_other" (v-2), "operator" (M1), "operator_other" (M2),
  // "provider" (2), "provider_other" (6), "reimburser" (org-a), "tax" (officer-7).
  const std::string& Token(const std::string& name) const { return tokens_.at(name); }
  static const std::vector<std::string>& KeyNames();

  // member 1 (operator of M1) or 2 (payment provider).
  Reply Call(uint32_t member, boost::beast::http::verb method, const std::string& target,
             const std::string& body, const std::string& token,
             const std::string& content_type = "application/json", const api::Fields& headers = {});
  // A copy of all committed state (both columns), to compare before/after.
  std::map<std::pair<int, std::string>, std::string> Snapshot();
  uint64_t submits() const { return submits_; }
  const ClaimTokens& claims() const { return *claims_; }
  Bytes ClaimHash(const std::string& token) const { return claims_->HashOf(token); }
  // The consortium's members and keys (market operators: members 1 and 5).
  const qr::TrustAnchors& anchors() const { return anchors_; }
  // The shared committed state and key store (to serve other routes over the same chain).
  const CommittedState& committed() const;
  const auth::KeyStore& keys() const { return keys_; }
  // Moves the chain's clock (the next blocks' timestamps) forward by `ms`.
  void AdvanceClock(uint64_t ms);
  // The height of the last committed block (each submit commits one).
  uint64_t height();
  // Claims waiting for a height not yet committed (CommittedState::AwaitHeight): blocks
  // until `n` wait; ends every wait as its timeout would.
  void WaitForAwaits(size_t n);
  void ExpireAwaits();

 private:
  class State;
  class FakeSubmitter;
  // A one-transaction block at `height` with a certificate of every member. REQUIRES: mu_ held.
  TxInclusionProof Prove(const pb::Transaction& tx, uint64_t height) const;
  struct Node;
  // Serves the merchant routes as `member` with `role`.
  void StartNode(uint32_t member, pb::Role role);
  std::mutex mu_;
  contracts::test::Chain chain_;
  std::unique_ptr<CryptoSuite> suite_;
  std::vector<std::unique_ptr<Signer>> signers_;  // member i at i
  qr::TrustAnchors anchors_;
  // height -> (events of its one transaction, that transaction's inclusion proof)
  std::map<uint64_t, std::pair<std::vector<std::string>, TxInclusionProof>> proofs_;
  uint64_t height_ = 100;
  std::multimap<uint64_t, std::function<void()>> awaits_;  // under mu_
  std::condition_variable awaits_cv_;
  std::atomic<uint64_t> submits_{0};
  auth::MemoryKeyStore keys_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<ClaimTokens> claims_;
  std::unique_ptr<State> state_;
  std::map<uint32_t, std::unique_ptr<Node>> nodes_;
};

// A valid vendor registration body for `id` in `market`.
nlohmann::json VendorBody(const std::string& id, const std::string& market = "M1");
// A valid payment body to vendor v-1.
nlohmann::json PaymentBody(const std::string& reference, int64_t fen = 1250);

inline constexpr uint32_t kOpNode = contracts::test::kOp;
inline constexpr uint32_t kPayNode = contracts::test::kPay;
// Reimbursing organisations' nodes (members 3 and 4); their keys: "org_a" (scope "3"),
// "org_b" (scope "4"), the member index the ledger records as mark_org.
inline constexpr uint32_t kOrgNode = contracts::test::kOrgA;
inline constexpr uint32_t kOrgNodeB = contracts::test::kOrgB;

// An invoice its buyer claimed: vendor v-1, payment R-1, title "Li".
struct Issued {
  std::string number;
  std::string token;
};
Issued IssueByClaim(World& w);
// Registers v-1 and attests R-1; the body of the buyer's claim of R-1 (title "Li").
nlohmann::json SaleClaimBody(World& w);

}  // namespace fapiao::api::merchant::test
