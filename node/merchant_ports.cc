#include "node/merchant_ports.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>
#include <utility>

#include "api/merchant/claim_token.h"
#include "ledger/core/batch.h"
#include "ledger/store/block_store.h"
#include "ledger/store/tx_proof.h"
#include "node/transport/pki.h"
#include "proto/node.pb.h"

namespace fapiao::node {

const StateView& NodeCommittedState::view() const {
  return node_.store();
}

uint64_t NodeCommittedState::height() const {
  return node_.store().Tip().value_or(0);
}

uint64_t NodeCommittedState::block_time_ms() const {
  return node_.Snapshot().tip_time_ms;  // kept by the executor: no block read
}

Result<TxInclusionProof> NodeCommittedState::ProveEvent(uint64_t height,
                                                        std::string_view event) const {
  const BlockStore& store = node_.store();
  const auto block_bytes = store.BlockAt(height);
  const auto record_bytes = store.ReceiptsAt(height);
  const auto missing =
      Status::Error("store.tx_not_found", "no transaction at height " + std::to_string(height) +
                                              " emitted " + std::string(event));
  if (!block_bytes || !record_bytes) return missing;
  pb::Block block;
  pb::ExecutionRecord record;
  if (!block.ParseFromString(*block_bytes) || !record.ParseFromString(*record_bytes)) {
    return Status::Error("store.corrupt", "block or receipts at " + std::to_string(height));
  }
  // Receipts are one per transaction in block order: batches in order, then their txs.
  for (int i = 0; i < record.receipts_size(); ++i) {
    const auto& events = record.receipts(i).events();
    if (std::find(events.begin(), events.end(), event) == events.end()) continue;
    int n = i;
    for (const auto& batch : block.batches()) {
      if (n < batch.transactions_size()) {
        return ProveCommittedTx(store, node_.hasher(), TxId(node_.hasher(), batch.transactions(n)));
      }
      n -= batch.transactions_size();
    }
  }
  return missing;
}

namespace {

api::merchant::SubmitOutcome OutcomeOf(const TxOutcome& r) {
  api::merchant::SubmitOutcome o;
  o.tx_id = r.tx_id.ToHex();
  o.height = r.height;
  o.accepted = r.accepted;
  o.code = r.code;
  o.events = r.events;
  return o;
}

}  // namespace

void NodeCommittedState::AwaitHeight(uint64_t height, std::chrono::milliseconds timeout,
                                     std::function<void()> then) const {
  node_.AwaitHeight(height, timeout, std::move(then));
}

void NodeSubmitter::Submit(uint32_t kind, Bytes payload, Done done,
                           const api::merchant::SubmitOptions& options) {
  auto shared = std::make_shared<Done>(std::move(done));
  const TxExtras extras{options.idempotency_key, options.request_hash};
  auto id = node_.Submit(
      kind, std::move(payload),
      [shared](Result<TxOutcome> r) {
        if (!r.ok()) return (*shared)(r.status());
        (*shared)(OutcomeOf(*r));
      },
      extras);
  if (!id.ok()) (*shared)(id.status());
}

void NodeSubmitter::SubmitAll(std::vector<Write> writes, DoneAll done) {
  // Outcomes arrive one by one (all from the same block); `done` runs with the last.
  struct Gather {
    std::mutex mu;
    std::vector<std::optional<Result<api::merchant::SubmitOutcome>>> outcomes;
    size_t missing = 0;
    DoneAll done;
  };
  auto g = std::make_shared<Gather>();
  g->outcomes.resize(writes.size());
  g->missing = writes.size();
  g->done = std::move(done);
  std::vector<Node::TxSubmission> txs;
  for (size_t i = 0; i < writes.size(); ++i) {
    txs.push_back(Node::TxSubmission{
        writes[i].kind, std::move(writes[i].payload),
        TxExtras{writes[i].options.idempotency_key, writes[i].options.request_hash},
        [g, i](Result<TxOutcome> r) {
          std::vector<Result<api::merchant::SubmitOutcome>> all;
          {
            std::lock_guard lock(g->mu);
            g->outcomes[i] = r.ok() ? Result<api::merchant::SubmitOutcome>(OutcomeOf(*r))
                                    : Result<api::merchant::SubmitOutcome>(r.status());
            if (--g->missing != 0) return;
            for (auto& o : g->outcomes) all.push_back(std::move(*o));
          }
          g->done(std::move(all));
        }});
  }
  const size_t n = txs.size();
  auto ids = node_.SubmitAll(std::move(txs));
  if (!ids.ok()) {
    g->done(std::vector<Result<api::merchant::SubmitOutcome>>(n, ids.status()));
  }
}

Result<MerchantSigner> LoadMerchantSigner(const Node& node) {
  MerchantSigner out;
  out.suite = CryptoSuite::Create(node.consortium().suite);
  auto pem = transport::ReadTextFile(node.config().signing_key_file);
  if (!pem.ok()) return Status::Error("config.signing_key", pem.status().ToString());
  auto signer = out.suite->LoadSigner(*pem);
  if (!signer.ok()) return Status::Error("config.signing_key", signer.status().ToString());
  out.signer = std::move(*signer);
  return out;
}

api::merchant::NodeIdentity MerchantIdentity(const Node& node, const MerchantSigner& signer) {
  api::merchant::NodeIdentity id;
  id.signer = signer.signer.get();
  id.suite = node.consortium().suite;
  id.member = node.config().member;
  id.chain_id = node.consortium().chain_id;
  id.hasher = &node.hasher();
  const auto& members = node.consortium().members;
  Endpoint api = node.config().api_listen;
  if (id.member < members.size()) {
    id.role = members[id.member].role;
    if (members[id.member].api.port != 0) api = members[id.member].api;
  }
  id.public_base_url = "http://" + api.ToString();
  return id;
}

Result<Bytes> LoadOrCreateClaimSecret(const std::string& path) {
  const auto io = [&](const char* what) {
    return Status::Error("merchant.claim_secret_io",
                         path + ": " + what + ": " + std::strerror(errno));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    auto secret = api::merchant::NewClaimSecret();
    if (!secret.ok()) return secret.status();
    const std::string tmp = path + ".tmp";
    int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) return io("create");
    const bool written =
        ::write(out, secret->data(), secret->size()) == static_cast<ssize_t>(secret->size()) &&
        ::fsync(out) == 0;
    ::close(out);
    if (!written) return io("write");
    // link() fails if another process created the file first; then read theirs.
    if (::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) return io("link");
    ::unlink(tmp.c_str());
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  }
  if (fd < 0) return io("open");
  Bytes secret(api::merchant::kClaimSecretBytes + 1, '\0');
  const ssize_t n = ::read(fd, secret.data(), secret.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(api::merchant::kClaimSecretBytes)) {
    return Status::Error("merchant.claim_secret_corrupt", path + ": expected exactly 32 bytes");
  }
  secret.resize(api::merchant::kClaimSecretBytes);
  return secret;
}

}  // namespace fapiao::node
