// MemoSigner: a Signer that signs each distinct message once and answers repeats
// from memory (the last `capacity` messages). The consensus core keeps its own
// votes unsigned, and one vote is encoded for the WAL, for the wire and for the
// commit certificate: without this each encoding signed again (five signatures per
// block instead of two; with SM2 a fifth of the nodes' CPU). Thread-safe; borrows
// the wrapped signer, which must outlive it.
#pragma once

#include <memory>

#include "ledger/core/crypto.h"

namespace fapiao::consensus {

class MemoSigner final : public Signer {
 public:
  explicit MemoSigner(const Signer& inner, size_t capacity = 1024);
  ~MemoSigner() override;

  Bytes Sign(ByteView message) const override;
  const Bytes& public_key_der() const override { return inner_.public_key_der(); }
  const Hash& key_id() const override { return inner_.key_id(); }
  std::string public_key_pem() const override { return inner_.public_key_pem(); }
  std::string private_key_pem() const override { return inner_.private_key_pem(); }

  uint64_t signatures_made() const;  // calls to the wrapped signer

 private:
  struct Memo;
  const Signer& inner_;
  std::unique_ptr<Memo> memo_;
};

}  // namespace fapiao::consensus
