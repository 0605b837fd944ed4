// Test harness for the contracts: a MemState chain with a standard consortium
// (tax bureau, two market operators, two payment providers, two reimbursing
// organisations), transaction builders, and single- or multi-transaction
// blocks executed through ExecuteBlock with the chain's real hasher.
// Not thread-safe; one per test.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "contracts/contract.h"
#include "contracts/executor.h"
#include "contracts/kinds.h"
#include "ledger/core/crypto.h"
#include "ledger/core/money.h"
#include "ledger/core/state.h"
#include "proto/contracts.pb.h"

namespace fapiao::contracts::test {

// Member indexes of the standard consortium.
inline constexpr uint32_t kTax = 0, kOp = 1, kPay = 2, kOrgA = 3, kOrgB = 4, kOp2 = 5, kPay2 = 6;
inline constexpr const char* kChain = "fapiao-test";
inline constexpr uint64_t kStartMs = 1795140000000ULL;  // 2026-11-20 10:00 China time

// A valid USCC (region 530800) from a 7-digit serial.
std::string MakeUscc(uint32_t serial);
Bytes ClaimToken(const std::string& ref);

struct LineSpec {
  LineSpec() = default;
  LineSpec(int64_t f, int64_t rate = 300, pb::Treatment t = pb::TAXABLE, std::string pol = "")
      : fen(f), rate_bp(rate), treatment(t), policy(std::move(pol)) {}
  int64_t fen = 0;
  int64_t rate_bp = 300;
  pb::Treatment treatment = pb::TAXABLE;
  std::string policy;
  std::string qty, price, item_class = "goods";
};

class Chain {
 public:
  explicit Chain(bool genesis = true);

  const Hasher& hasher() const { return suite_->hasher(); }
  MemState& state() { return state_; }
  uint64_t now() const { return now_ms_; }
  void Advance(uint64_t ms) { now_ms_ += ms; }
  void SetNow(uint64_t ms) { now_ms_ = ms; }
  // Deletes seen in any executed block's writes (there must be none: no void, no delete).
  uint64_t deletes() const { return deletes_; }

  pb::Transaction Tx(uint32_t member, TxKind kind, const google::protobuf::MessageLite& payload);
  // Runs one block; returns "ok" or the rejection code of each transaction.
  std::vector<std::string> Block(const std::vector<pb::Transaction>& txs, Hash* root = nullptr);
  std::string Run(const pb::Transaction& tx) { return Block({tx})[0]; }

  pb::Genesis StandardGenesis() const;
  std::string Register(const std::string& vendor, uint32_t as = kOp,
                       const std::string& market = "M1", pb::TaxpayerType type = pb::SMALL_SCALE);
  std::string Pay(const std::string& ref, const std::string& vendor, int64_t fen,
                  uint32_t as = kPay);
  // Requests an invoice for payment ref as buyer (an individual unless org_id is set).
  std::string Request(const std::string& ref, const std::string& buyer, uint32_t provider = kPay,
                      const std::string& org_id = "");
  pb::IssueInvoice IssueMsg(const std::string& vendor,
                            const std::vector<std::pair<std::string, int64_t>>& alloc,
                            const std::vector<LineSpec>& lines, uint32_t provider = kPay);
  // Issues and returns "ok" or the code; *number receives the invoice number.
  std::string Issue(const pb::IssueInvoice& msg, std::string* number = nullptr, uint32_t as = kOp);
  // A one-line invoice drawing `fen` (tax-inclusive, 3%) from each listed payment.
  std::string IssueSimple(const std::string& vendor, const std::string& ref, int64_t pre_tax_fen,
                          std::string* number = nullptr);
  std::string Mark(uint32_t org, const std::vector<std::pair<std::string, pb::MarkAction>>& marks);
  // Buyer auth for the next buyer action (reveals the current secret).
  pb::BuyerAuth BuyerNext(const std::string& buyer, bool wrong = false);
  void BuyerAccepted(const std::string& buyer) { ++buyer_step_[buyer]; }
  std::string Open(const std::string& blue, pb::Party opener, uint32_t reason, bool full,
                   const std::vector<std::pair<uint32_t, int64_t>>& lines, std::string* form,
                   const std::string& buyer = "", uint32_t as = kOp);
  std::string FormAct(TxKind kind, const std::string& form, pb::Party party,
                      const std::string& buyer = "", uint32_t as = kOp, bool wrong_secret = false);

  std::optional<pb::Invoice> Invoice(const std::string& number) const;
  std::optional<pb::Payment> Payment(uint32_t provider, const std::string& ref) const;
  std::optional<pb::RedLetterForm> Form(const std::string& id) const;
  std::string LastFormId(const std::string& blue) const;

  static Bytes BuyerHash(const std::string& buyer);
  Bytes AuthHash(const std::string& buyer, uint64_t step) const;

 private:
  std::unique_ptr<CryptoSuite> suite_;
  MemState state_;
  uint64_t height_ = 0;
  uint64_t deletes_ = 0;
  uint64_t now_ms_ = kStartMs;
  std::map<uint32_t, uint64_t> seq_;
  std::map<std::string, uint64_t> buyer_step_;
};

}  // namespace fapiao::contracts::test
