// BlockStore: the ledger's durable store (docs/formats.md "On-disk layout").
// Appending a block writes its bytes as received, its commit certificate, its
// receipts, the block-id and transaction-id indexes and the block's contract
// state and index writes in ONE atomic, synced batch: after a crash the store
// holds exactly the blocks 0..tip and never part of a block.
// Thread safety: reads may run concurrently with each other and with Append;
// Append calls must be serialised by the caller (one writer).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/core/state.h"
#include "ledger/core/status.h"
#include "ledger/core/types.h"

namespace fapiao {

// Where a transaction sits: block height, batch position, position in batch.
struct TxLocation {
  uint64_t height = 0;
  uint32_t batch = 0;
  uint32_t index = 0;
  friend bool operator==(const TxLocation&, const TxLocation&) = default;
};

struct BlockAppend {
  uint64_t height = 0;
  Hash block_id;
  Bytes block_bytes;  // serialized pb::Block, exactly as received
  Bytes certificate;  // serialized pb::CommitCertificate
  Bytes receipts;     // execution receipts (contracts' encoding), may be empty
  std::vector<std::pair<Hash, TxLocation>> txs;  // every transaction id of the block
  WriteSet writes;  // contract state and index writes of executing the block
};

class BlockStore : public StateView {
 public:
  ~BlockStore() override = default;

  // REQUIRES: a.height == tip + 1 (or 0 on an empty store). Returns store.* codes.
  virtual Status Append(const BlockAppend& a) = 0;

  // Highest complete block; nullopt when empty.
  virtual std::optional<uint64_t> Tip() const = 0;
  virtual std::optional<Bytes> BlockAt(uint64_t height) const = 0;
  virtual std::optional<Bytes> CertificateAt(uint64_t height) const = 0;
  virtual std::optional<Bytes> ReceiptsAt(uint64_t height) const = 0;
  virtual std::optional<uint64_t> HeightOf(const Hash& block_id) const = 0;
  virtual std::optional<TxLocation> FindTx(const Hash& tx_id) const = 0;

  // Node metadata outside the chain (e.g. consensus WAL pointers); synced.
  virtual Status PutMeta(ByteView key, ByteView value) = 0;
  virtual std::optional<Bytes> GetMeta(ByteView key) const = 0;
};

}  // namespace fapiao
