// ExportCursor over a hand-filled committed state: with small pages, every
// invoice in the range is written exactly once, in index order (time, then
// number; vendor/market prefix by prefix), no chunk holds more than a page,
// invoices at the range's edges and in other markets are left out, and a
// sparse year of empty windows ends in a bounded number of calls.
#include <algorithm>
#include <map>

#include <catch2/catch.hpp>

#include "api/tax/export_cursor.h"
#include "contracts/keys.h"
#include "tests/tax/ubl_check.h"

namespace fapiao::api::tax::test {
namespace {

namespace keys = contracts::keys;

class FakeState final : public merchant::CommittedState {
 public:
  const StateView& view() const override { return mem_; }
  uint64_t height() const override { return 1; }
  uint64_t block_time_ms() const override { return 0; }
  Result<TxInclusionProof> ProveEvent(uint64_t, std::string_view) const override {
    return Status::Error("store.tx_not_found", "no proofs here");
  }
  void AwaitHeight(uint64_t, std::chrono::milliseconds, std::function<void()> then) const override {
    then();
  }
  // An invoice of one 10.00 yuan exempt line in `market`, indexed at `ms`.
  void Add(const std::string& number, const std::string& market, uint64_t ms) {
    pb::Invoice inv;
    inv.set_number(number);
    inv.set_kind(pb::BLUE);
    inv.set_vendor_id("v-" + market);
    inv.set_market(market);
    inv.set_issued_at_ms(ms);
    inv.set_date("20261121");
    auto* line = inv.add_lines();
    line->mutable_input()->set_name("veg");
    line->mutable_input()->set_amount_fen(1000);
    line->mutable_input()->mutable_treatment()->set_treatment(pb::EXEMPT);
    line->mutable_input()->mutable_treatment()->set_policy_code("VEG");
    inv.set_pre_tax_fen(1000);
    inv.set_total_fen(1000);
    WriteSet ws;
    ws.Put(Column::kState, keys::Invoice(number), inv.SerializeAsString());
    ws.Put(Column::kIndex, keys::MarketTime(market, ms, number), "");
    ws.Put(Column::kIndex, keys::VendorTime(inv.vendor_id(), ms, number), "");
    mem_.Apply(ws);
  }

 private:
  MemState mem_;
};

std::string Number(int i) {
  std::string n = std::to_string(i);
  return "2611000000000000" + std::string(4 - n.size(), '0') + n;
}

struct Drained {
  std::vector<std::string> numbers;  // in export order
  size_t calls = 0;
  size_t largest_page = 0;  // invoices in the largest chunk
  std::string text;
};

Drained Drain(ExportCursor& cursor) {
  Drained d;
  bool more = true;
  while (more) {
    std::string chunk;
    more = cursor.Next(chunk);
    ++d.calls;
    REQUIRE(d.calls < 100000);
    size_t in_chunk = 0;
    for (size_t at = chunk.find("261100"); at != std::string::npos;
         at = chunk.find("261100", at + 20)) {
      d.numbers.push_back(chunk.substr(at, 20));
      ++in_chunk;
    }
    d.largest_page = std::max(d.largest_page, in_chunk);
    d.text += chunk;
  }
  return d;
}

constexpr uint64_t kFrom = 1'790'000'000'000;  // a window boundary is not assumed

TEST_CASE("tax export cursor: small pages write every invoice once, in index order",
          "[tax][export][cursor]") {
  FakeState state;
  std::map<std::pair<std::string, uint64_t>, std::vector<std::string>> expected_m1;
  std::vector<std::string> expected;
  int n = 0;
  // 120 invoices in M1: runs of 3 in the same millisecond, spread over windows
  // (steps of 20 s, so windows of 65.5 s hold 3-4 runs), added out of order.
  std::vector<std::pair<uint64_t, std::string>> m1;
  for (int run = 0; run < 40; ++run) {
    for (int k = 0; k < 3; ++k) m1.emplace_back(kFrom + 20'000ull * run, Number(++n));
  }
  std::reverse(m1.begin(), m1.end());
  for (const auto& [ms, number] : m1) state.Add(number, "M1", ms);
  std::sort(m1.begin(), m1.end());
  for (const auto& p : m1) expected.push_back(p.second);
  // Left out: one just before the range, one at its (exclusive) end.
  state.Add(Number(++n), "M1", kFrom - 1);
  const uint64_t to = kFrom + 20'000ull * 40;
  state.Add(Number(++n), "M1", to);
  // 5 in M2, after M1's in the export.
  for (int k = 0; k < 5; ++k) {
    state.Add(Number(++n), "M2", kFrom + 1000ull * k);
    expected.push_back(Number(n));
  }
  ExportQuery q;
  q.format = ExportFormat::kCsv;
  q.from_ms = kFrom;
  q.to_ms = to;
  for (const size_t page : {size_t{1}, size_t{2}, size_t{7}, size_t{64}}) {
    INFO("page " << page);
    ExportCursor cursor(state, q, {keys::MarketTimePrefix("M1"), keys::MarketTimePrefix("M2")},
                        page);
    const Drained d = Drain(cursor);
    CHECK(d.numbers == expected);
    CHECK(d.largest_page <= page);
    CHECK(d.text.starts_with("number,kind,"));
    CHECK(std::count(d.text.begin(), d.text.end(), '\n') ==
          static_cast<std::ptrdiff_t>(expected.size() + 1));
  }

  SECTION("a market filter over a vendor prefix, and UBL") {
    q.format = ExportFormat::kUbl;
    q.market = "M2";
    ExportCursor cursor(state, q, {keys::VendorTimePrefix("v-M1"), keys::VendorTimePrefix("v-M2")},
                        2);
    const Drained d = Drain(cursor);
    CHECK(d.numbers == std::vector<std::string>(expected.end() - 5, expected.end()));
    std::vector<std::string> errors;
    CHECK(CheckUbl(d.text, errors).size() == 5);
    CHECK(errors == std::vector<std::string>{});
    CHECK(d.text.ends_with("</Export>\n"));
  }
}

TEST_CASE("tax export cursor: a sparse year ends in a bounded number of calls",
          "[tax][export][cursor]") {
  FakeState state;
  const uint64_t year = 366ull * 86'400'000;
  state.Add(Number(1), "M1", kFrom + year / 2);
  state.Add(Number(2), "M1", kFrom + year - 1);
  ExportQuery q;
  q.format = ExportFormat::kUbl;
  q.from_ms = kFrom;
  q.to_ms = kFrom + year;
  ExportCursor cursor(state, q, {keys::MarketTimePrefix("M1")});
  const Drained d = Drain(cursor);
  CHECK(d.numbers == std::vector<std::string>{Number(1), Number(2)});
  const size_t windows = (year >> ExportCursor::kWindowShift) + 2;
  CHECK(d.calls <= windows / ExportCursor::kWindowsPerCall + 4);
}

}  // namespace
}  // namespace fapiao::api::tax::test
