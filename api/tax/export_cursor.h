// The position of a tax export (GET /v1/tax/export) in the time indexes: the
// index prefix being read (one per vendor or market), the current window of
// 2^16 ms and the last index key read in it. Each Next() writes one page of at
// most `page` invoices, so memory is bounded by a page whatever the export's
// size. Reads committed state afresh on each call. One thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "api/merchant/ports.h"
#include "ledger/core/bytes.h"

namespace fapiao::api::tax {

enum class ExportFormat { kCsv, kUbl };

struct ExportQuery {
  ExportFormat format = ExportFormat::kCsv;
  uint64_t from_ms = 0;  // inclusive, issue time
  uint64_t to_ms = 0;    // exclusive; REQUIRES: > from_ms
  std::string vendor;    // informative (the prefixes select)
  std::string market;    // when set, invoices of other markets are skipped
  std::string from, to;  // the dates as asked (for the file name)
};

class ExportCursor {
 public:
  static constexpr size_t kDefaultPage = 64;
  static constexpr uint64_t kWindowShift = 16;       // windows of 65.5 s
  static constexpr uint64_t kWindowsPerCall = 4096;  // empty windows read per call at most

  // `prefixes`: VendorTimePrefix / MarketTimePrefix keys, read in order.
  ExportCursor(const merchant::CommittedState& state, ExportQuery query,
               std::vector<Bytes> prefixes, size_t page = kDefaultPage);

  // Appends the next chunk to `out`: first the CSV header or the <Export>
  // opening, then pages of invoices (a page may be empty when only empty
  // windows were read), then the closing. False once everything was written.
  bool Next(std::string& out);

 private:
  const merchant::CommittedState& state_;
  ExportQuery q_;
  std::vector<Bytes> prefixes_;
  size_t page_;
  size_t prefix_ = 0;
  uint64_t window_;
  Bytes last_key_;
  bool opened_ = false;
};

}  // namespace fapiao::api::tax
