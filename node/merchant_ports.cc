#include "node/merchant_ports.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "api/merchant/claim_token.h"
#include "ledger/store/block_store.h"

namespace fapiao::node {

const StateView& NodeCommittedState::view() const {
  return node_.store();
}

uint64_t NodeCommittedState::height() const {
  return node_.store().Tip().value_or(0);
}

void NodeSubmitter::Submit(uint32_t kind, Bytes payload, Done done) {
  auto shared = std::make_shared<Done>(std::move(done));
  auto id = node_.Submit(kind, std::move(payload), [shared](Result<TxOutcome> r) {
    if (!r.ok()) return (*shared)(r.status());
    api::merchant::SubmitOutcome o;
    o.tx_id = r->tx_id.ToHex();
    o.height = r->height;
    o.accepted = r->accepted;
    o.code = r->code;
    o.events = r->events;
    (*shared)(std::move(o));
  });
  if (!id.ok()) (*shared)(id.status());
}

api::merchant::NodeIdentity MerchantIdentity(const Node& node) {
  api::merchant::NodeIdentity id;
  id.member = node.config().member;
  id.chain_id = node.consortium().chain_id;
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
