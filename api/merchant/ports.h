// The ports the merchant routes see (STYLE.md: the api layer sees only the
// query/submit interfaces it declares): committed contract state and proofs,
// a transaction submitter, and the identity (and signing key) of the node.
// The node implements them (node/merchant_ports.h); tests fake them.
// Implementations must be callable from any HTTP thread concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/crypto.h"
#include "ledger/core/inclusion.h"
#include "ledger/core/state.h"
#include "ledger/core/status.h"
#include "proto/contracts.pb.h"

namespace fapiao::api::merchant {

// Committed contract state (Column::kState / kIndex) and the height it is at.
class CommittedState {
 public:
  virtual ~CommittedState() = default;
  virtual const StateView& view() const = 0;
  virtual uint64_t height() const = 0;
  // The agreed timestamp (ms since the epoch, UTC) of the block at height(), 0
  // before the first block: the ledger's "now" for reports that must not read a
  // node's clock (docs/http.md "Tax API: anomaly reports").
  virtual uint64_t block_time_ms() const = 0;
  // The inclusion proof of the committed transaction at `height` whose receipt
  // carries `event` ("invoice.issued <number>"). Errors: store.tx_not_found, store.corrupt.
  virtual Result<TxInclusionProof> ProveEvent(uint64_t height, std::string_view event) const = 0;
  // Calls `then` exactly once, from any thread, as soon as this node has executed
  // `height` (at once when it has), or when `timeout` has passed first; `then`
  // reads the state again. Read-your-writes across nodes: a payment attested on
  // the provider's node at height h is claimed on the operator's node, which may
  // be a block or two behind (docs/http.md "Claim heights").
  virtual void AwaitHeight(uint64_t height, std::chrono::milliseconds timeout,
                           std::function<void()> then) const = 0;
};

// What happened to a submitted transaction once it was executed.
struct SubmitOutcome {
  std::string tx_id;  // hex
  uint64_t height = 0;
  bool accepted = false;
  std::string code;  // the contract's rejection code when !accepted
  std::vector<std::string> events;
  bool replayed = false;  // answered from the first transaction of its idempotency key
};

// Optional envelope fields of the transaction (docs/contracts.md "Idempotency keys").
struct SubmitOptions {
  Bytes idempotency_key;  // empty: none
  Bytes request_hash;
};

class Submitter {
 public:
  using Done = std::function<void(Result<SubmitOutcome>)>;
  virtual ~Submitter() = default;
  // Signs `payload` as this node's member and calls `done` exactly once, from
  // any thread: with the outcome after execution, or with an error
  // (mempool.full, node.halted, ...) when it was not admitted or never ran.
  // `options` go into the transaction's envelope as they are.
  virtual void Submit(uint32_t kind, Bytes payload, Done done,
                      const SubmitOptions& options = {}) = 0;

  struct Write {
    uint32_t kind = 0;
    Bytes payload;
    SubmitOptions options;
  };
  using DoneAll = std::function<void(std::vector<Result<SubmitOutcome>>)>;
  // Submits `writes` (1-100) as consecutive transactions of one member batch, in
  // order: they commit in one block, each seeing the effects of those before it
  // (a claim's RequestInvoice, then its IssueInvoice). Calls `done` once, from any
  // thread, with every outcome in order when all executed, or with the error for
  // each when they were not admitted. The default submits them one after the other,
  // each once the one before executed (what fakes that run one transaction per
  // block do).
  virtual void SubmitAll(std::vector<Write> writes, DoneAll done);
};

struct NodeIdentity {
  uint32_t member = 0;
  pb::Role role = pb::ROLE_UNSPECIFIED;
  std::string chain_id;
  std::string public_base_url;     // "http://host:port", no trailing slash
  const Hasher* hasher = nullptr;  // the chain suite's hash; outlives the routes
  const Signer* signer = nullptr;  // this member's key, signs verification payloads
  SuiteId suite = SuiteId::kEd25519Sha256;
};

}  // namespace fapiao::api::merchant
