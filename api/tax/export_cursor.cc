#include "api/tax/export_cursor.h"

#include <utility>

#include "api/merchant/common.h"
#include "api/tax/csv.h"
#include "api/tax/ubl.h"
#include "contracts/keys.h"

namespace fapiao::api::tax {

ExportCursor::ExportCursor(const merchant::CommittedState& state, ExportQuery query,
                           std::vector<Bytes> prefixes, size_t page)
    : state_(state),
      q_(std::move(query)),
      prefixes_(std::move(prefixes)),
      page_(page),
      window_(q_.from_ms >> kWindowShift) {}

bool ExportCursor::Next(std::string& out) {
  const bool csv = q_.format == ExportFormat::kCsv;
  if (!opened_) {
    opened_ = true;
    out += csv ? CsvHeader() : UblExportOpen();
    return true;
  }
  const StateView& view = state_.view();
  const uint64_t last_window = (q_.to_ms - 1) >> kWindowShift;
  size_t written = 0;
  for (uint64_t visited = 0; visited < kWindowsPerCall && prefix_ < prefixes_.size();) {
    if (window_ > last_window) {
      ++prefix_;
      window_ = q_.from_ms >> kWindowShift;
      last_key_.clear();
      continue;
    }
    // The index key is prefix, u64 ms (big-endian), number: a window is the
    // prefix and the ms' first 6 bytes.
    Bytes window_prefix = prefixes_[prefix_];
    AppendU64(window_prefix, window_ << kWindowShift);
    window_prefix.resize(window_prefix.size() - kWindowShift / 8);
    const size_t ms_at = prefixes_[prefix_].size();
    bool full = false;
    view.ScanPrefix(Column::kIndex, window_prefix, [&](ByteView key, ByteView) {
      if (!last_key_.empty() && key <= ByteView(last_key_)) return true;
      if (written == page_) {
        full = true;
        return false;
      }
      last_key_.assign(key);
      if (key.size() <= ms_at + 8) return true;
      const uint64_t ms = ReadU64(key.substr(ms_at, 8));
      if (ms < q_.from_ms || ms >= q_.to_ms) return true;
      pb::Invoice inv;
      if (!merchant::LoadRecord(view, contracts::keys::Invoice(key.substr(ms_at + 8)), inv)) {
        return true;
      }
      if (!q_.market.empty() && inv.market() != q_.market) return true;
      out += csv ? CsvRows(inv) : UblDocument(inv) + "\n";
      ++written;
      return true;
    });
    if (full) return true;
    ++window_;
    ++visited;
    last_key_.clear();
  }
  if (prefix_ < prefixes_.size()) return true;
  if (!csv) out += UblExportClose();
  return false;
}

}  // namespace fapiao::api::tax
