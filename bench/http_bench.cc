// fapiao-bench: load on a running consortium through its real HTTP API
// (docs/cli.md). Registers vendors with the market operator's key, then runs
// sales: a payment attested with the provider's key on the provider's node,
// its invoice issued by the buyer's claim on the operator's node, and (flow
// mixed) the invoice and payment read back. Closed loop (--concurrency C
// sales in flight) or open loop (--rate R sales/s, latency measured from each
// sale's intended start so a slow server cannot hide its queue). --prefill N
// attests N payments before the clock starts, so sales time only issuance.
// --sales N stops after N sales (seeding a ledger, scripts/seed-tax), --unclaimed F
// leaves that fraction of payments never invoiced, and --ledger-clock matches a
// consortium's warped [clock] so payments are attested at ledger time. One io
// thread; keep-alive connections per node. Prints progress each second, a
// summary, and writes --out result.json.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <thread>

#include "bench/http_load.h"
#include "bench/machine.h"
#include "contracts/taxpayer_id.h"
#include "node/clock.h"
#include "tools/fapiao/http_client.h"

namespace {

using namespace fapiao;
using bench::SelfCpuSeconds;
using bench::Clock;
using bench::Histogram;
using bench::HttpResult;
using bench::Pool;
namespace http = boost::beast::http;

struct Options {
  std::string operator_api, operator_key, provider_api, provider_key;
  std::string market = "puer-simao";
  std::string flow = "issue";
  uint32_t vendors = 8;
  uint32_t prefill = 0;
  uint32_t concurrency = 0;
  double rate = 0;
  uint32_t connections = 0;
  double duration_s = 10;
  double timeout_s = 30;
  std::string out;
  uint64_t sales = 0;         // stop after this many sales (0: after duration_s)
  double unclaimed = 0;       // fraction of sales whose payment is never invoiced
  node::ClockSettings clock;  // the consortium's ledger clock, for paid_at
};

std::string Uscc(uint32_t serial) {
  std::string s = std::to_string(serial % 10000000);
  while (s.size() < 7) s.insert(0, "0");
  const std::string first17 = "9253080000" + s;
  return first17 + *contracts::UsccCheckChar(first17);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The payment time to attest now: a ledger minute ago on the consortium's clock.
int64_t PaidAtMs(const node::ClockSettings& clock) {
  return static_cast<int64_t>(LedgerTimeMs(clock, static_cast<uint64_t>(NowMs()))) - 60'000;
}

std::string ProblemCode(const HttpResult& r) {
  if (r.status == 0) return r.error;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("code") && j["code"].is_string()) return j["code"];
  return "http." + std::to_string(r.status);
}

// Registers `n` vendors in the operator's market, 16 at a time; returns their ids
// (empty on failure).
std::vector<std::string> RegisterVendors(const Options& o, const std::string& run) {
  auto url = client::ParseApiUrl(o.operator_api);
  if (!url.ok()) {
    std::fprintf(stderr, "fapiao-bench: %s\n", url.status().message().c_str());
    return {};
  }
  std::vector<std::string> ids(o.vendors);
  std::atomic<uint32_t> next{0}, done{0};
  std::atomic<bool> failed{false};
  auto work = [&] {
    client::HttpClient c(*url);
    for (uint32_t i = next++; i < o.vendors && !failed; i = next++) {
      const std::string id = "bench-" + run + "-" + std::to_string(i);
      nlohmann::json body = {
          {"vendor_id", id},
          {"name", "bench stall " + std::to_string(i)},
          {"market", o.market},
          {"stall", "B-" + std::to_string(i)},
          {"taxpayer_id",
           {{"kind", "uscc"},
            {"value", Uscc(static_cast<uint32_t>(std::stoul(run, nullptr, 16)) * 8192 + i)}}},
          {"taxpayer_type", "small_scale"},
          {"defaults",
           {{{"item_class", "vegetables"},
             {"treatment", {{"treatment", "exempt"}, {"policy_code", "VEG-RETAIL"}}}}}}};
      auto r = c.Call("POST", "/v1/vendors", body.dump(), o.operator_key);
      if (!r.ok() || r->status != 201) {
        std::fprintf(stderr, "fapiao-bench: registering vendor %s failed: %s\n", id.c_str(),
                     r.ok() ? r->body.c_str() : r.status().ToString().c_str());
        failed = true;
        return;
      }
      ids[i] = id;
      if (const uint32_t d = ++done; d % 500 == 0) {
        std::printf("fapiao-bench: %u of %u vendors registered\n", d, o.vendors);
        std::fflush(stdout);
      }
    }
  };
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < std::min<uint32_t>(16, o.vendors); ++t) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  if (failed) return {};
  return ids;
}

class Bench {
 public:
  Bench(const Options& o, std::vector<std::string> vendors, std::string run,
        const client::ApiUrl& op, const client::ApiUrl& pay)
      : o_(o), vendors_(std::move(vendors)), run_(std::move(run)), timer_(io_), progress_(io_) {
    const size_t conns =
        o.connections ? o.connections : std::max<size_t>(o.concurrency ? o.concurrency : 64, 1);
    const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(o.timeout_s * 1000));
    op_ = std::make_unique<Pool>(io_, op.host, op.port, conns, timeout);
    pay_ = std::make_unique<Pool>(io_, pay.host, pay.port, conns, timeout);
  }

  nlohmann::json Run() {
    if (o_.prefill > 0 && o_.flow != "attest") {
      const uint32_t workers = o_.concurrency ? o_.concurrency : 64;
      for (uint32_t i = 0; i < workers; ++i) Prefill([this] { io_.stop(); });
      io_.run();
      io_.restart();
      per_request_.clear();  // the prefill is not part of the measurement
      std::printf("fapiao-bench: %zu payments attested beforehand (%zu failed)\n",
                  prefilled_.size(), static_cast<size_t>(o_.prefill) - prefilled_.size());
      std::fflush(stdout);
    }
    cpu_at_start_ = SelfCpuSeconds();
    start_ = Clock::now();
    end_ = o_.sales > 0
               ? Clock::time_point::max()
               : start_ + std::chrono::milliseconds(static_cast<int64_t>(o_.duration_s * 1000));
    if (o_.rate > 0) {
      ScheduleOpen();
    } else {
      for (uint32_t i = 0; i < o_.concurrency; ++i) NextClosed();
    }
    Progress();
    io_.run();
    return Result();
  }

 private:
  // One sale: attest, then (flows issue, mixed) issue by claim, then (mixed) two reads.
  using Finish = std::function<void(bool ok, const std::string& code)>;
  struct Claim {
    uint32_t provider = 0;
    std::string reference, token;
    uint64_t height = 0;  // the block that attested the payment (the claim waits for it)
  };

  // POST /v1/payments for a new reference; `then` gets the claim (nullopt: failed, `code` set).
  void Attest(std::function<void(std::optional<Claim>, const std::string& code)> then) {
    const uint64_t n = seq_++;
    const std::string ref = "B" + run_ + "-" + std::to_string(n);
    const int64_t fen = 100 + static_cast<int64_t>(n % 9900);
    nlohmann::json pay = {{"vendor_id", vendors_[n % vendors_.size()]},
                          {"amount_fen", fen},
                          {"paid_at", PaidAtMs(o_.clock)},
                          {"reference", ref},
                          {"items", {{{"name", "greens"}, {"amount_fen", fen}}}}};
    Request(*pay_, "attest", http::verb::post, "/v1/payments", pay.dump(), o_.provider_key,
            [then, ref](const HttpResult& r) {
              if (r.status != 201) return then(std::nullopt, ProblemCode(r));
              auto j = nlohmann::json::parse(r.body, nullptr, false);
              if (!j.is_object() || !j.contains("claim_token") || !j.contains("payment")) {
                return then(std::nullopt, "bench.bad_answer");
              }
              then(Claim{j["payment"].value("provider", 0u), ref, j["claim_token"],
                         j.value("height", uint64_t{0})},
                   {});
            });
  }

  // One sale: attest (or take a prefilled payment), then (flows issue, mixed) issue by
  // claim, then (mixed) two reads.
  void Sale(Clock::time_point intended, std::function<void()> done) {
    ++in_flight_;
    ++started_;
    Finish finish = [this, intended, done](bool ok, const std::string& code) {
      --in_flight_;
      if (ok) {
        sales_.Add(Clock::now() - intended);
        ++ok_;
        ++ok_this_second_;
      } else {
        ++errors_[code];
      }
      done();
    };
    if (o_.flow != "attest" && !prefilled_.empty()) {
      Claim c = std::move(prefilled_.front());
      prefilled_.pop_front();
      ++prefilled_used_;
      return Issue(std::move(c), finish);
    }
    // Every (1/unclaimed)-th sale's buyer never asks for the invoice.
    const bool unclaimed =
        o_.unclaimed > 0 &&
        static_cast<uint64_t>(static_cast<double>(started_) * o_.unclaimed) !=
            static_cast<uint64_t>(static_cast<double>(started_ - 1) * o_.unclaimed);
    Attest([this, finish, unclaimed](std::optional<Claim> c, const std::string& code) {
      if (!c) return finish(false, code);
      if (o_.flow == "attest" || unclaimed) return finish(true, {});
      Issue(std::move(*c), finish);
    });
  }

  // The payment is committed on the provider's node when its answer comes; the
  // operator's node may execute that block a moment later. The claim names the
  // attestation's height, so the operator's node waits for that block (at most 2 s)
  // instead of answering 404 payment.unknown. If it still does (a node far behind),
  // the bench tries again like a buyer would, every 5 ms for at most 2 s (counted in
  // `issue_retries`; the wait is in the latency).
  void Issue(Claim c, Finish finish, int attempt = 0) {
    nlohmann::json claim = {
        {"provider", c.provider}, {"reference", c.reference}, {"token", c.token}};
    if (c.height != 0) claim["height"] = c.height;
    nlohmann::json issue = {{"claim", claim},
                            {"title", {{"type", "individual"}, {"name", "Bench Buyer"}}}};
    Request(*op_, "issue", http::verb::post, "/v1/invoices", issue.dump(), {},
            [this, finish, c, attempt](const HttpResult& r) {
              if (r.status == 404 && attempt < 400 && ProblemCode(r) == "payment.unknown") {
                ++issue_retries_;
                auto timer = std::make_shared<boost::asio::steady_timer>(io_);
                timer->expires_after(std::chrono::milliseconds(5));
                timer->async_wait([this, timer, c, finish, attempt](boost::system::error_code) {
                  Issue(c, finish, attempt + 1);
                });
                return;
              }
              if (r.status != 201) return finish(false, ProblemCode(r));
              if (o_.flow != "mixed") return finish(true, {});
              auto inv = nlohmann::json::parse(r.body, nullptr, false);
              if (!inv.is_object() || !inv.contains("invoice") || !inv["invoice"].is_object()) {
                return finish(false, "bench.bad_answer");
              }
              Reads(inv["invoice"].value("number", ""), c.provider, c.reference, c.token, finish);
            });
  }

  // Before the clock starts: `prefill` payments attested, `concurrency` (or 64) at a time.
  void Prefill(std::function<void()> then) {
    if (prefill_started_ >= o_.prefill) {
      if (prefill_in_flight_ == 0 && !prefill_done_) {
        prefill_done_ = true;
        then();
      }
      return;
    }
    ++prefill_started_;
    ++prefill_in_flight_;
    Attest([this, then](std::optional<Claim> c, const std::string& code) {
      --prefill_in_flight_;
      if (c) {
        prefilled_.push_back(std::move(*c));
      } else {
        ++prefill_errors_[code];
      }
      boost::asio::post(io_, [this, then] { Prefill(then); });
    });
  }

  void Reads(const std::string& number, uint32_t provider, const std::string& ref,
             const std::string& token, std::function<void(bool, const std::string&)> finish) {
    using client::PercentEncode;
    const std::string claim_query =
        "?provider=" + std::to_string(provider) + "&ref=" + PercentEncode(ref) + "&token=" + token;
    Request(*op_, "read_invoice", http::verb::get,
            "/v1/invoices/" + PercentEncode(number) + claim_query, {}, {},
            [this, finish, provider, ref](const HttpResult& r) {
              if (r.status != 200) return finish(false, ProblemCode(r));
              Request(*pay_, "read_payment", http::verb::get,
                      "/v1/payments/" + std::to_string(provider) + "/" + client::PercentEncode(ref),
                      {}, o_.provider_key, [finish](const HttpResult& r2) {
                        if (r2.status != 200) return finish(false, ProblemCode(r2));
                        finish(true, {});
                      });
            });
  }

  void Request(Pool& pool, const std::string& name, http::verb verb, std::string target,
               std::string body, std::string key, std::function<void(const HttpResult&)> then) {
    const auto sent = Clock::now();
    pool.Send(verb, std::move(target), std::move(body), std::move(key),
              [this, name, sent, then](HttpResult r) {
                if (r.status >= 200 && r.status < 300) per_request_[name].Add(Clock::now() - sent);
                then(r);
              });
  }

  // No more sales to start: the duration is over, or --sales have all started.
  bool Done() const { return Clock::now() >= end_ || (o_.sales > 0 && started_ >= o_.sales); }

  void NextClosed() {
    if (Done()) return MaybeStop();
    // Posted, so a run of failures answered at once cannot grow the stack.
    Sale(Clock::now(), [this] { boost::asio::post(io_, [this] { NextClosed(); }); });
  }

  // Open loop: sale i is due at start + i / rate, whatever the answers do.
  void ScheduleOpen() {
    const auto now = Clock::now();
    while (true) {
      const auto due = start_ + std::chrono::nanoseconds(static_cast<int64_t>(
                                    static_cast<double>(scheduled_) * 1e9 / o_.rate));
      if (due >= end_ || Done()) return MaybeStop();
      if (due > now) {
        timer_.expires_at(due);
        timer_.async_wait([this](boost::system::error_code ec) {
          if (!ec) ScheduleOpen();
        });
        return;
      }
      ++scheduled_;
      Sale(due, [this] { MaybeStop(); });
    }
  }

  void MaybeStop() {
    if (Done() && in_flight_ == 0) {
      finished_ = Clock::now();
      progress_.cancel();
      timer_.cancel();
    }
  }

  void Progress() {
    progress_.expires_after(std::chrono::seconds(1));
    progress_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      uint64_t errors = 0;
      for (const auto& [code, count] : errors_) errors += count;
      std::printf(
          "%5.0fs  ok/s %6llu  errors %llu  in flight %llu  waiting %zu  p50 %.1f ms  p99 %.1f "
          "ms\n",
          std::chrono::duration<double>(Clock::now() - start_).count(),
          static_cast<unsigned long long>(ok_this_second_), static_cast<unsigned long long>(errors),
          static_cast<unsigned long long>(in_flight_), op_->waiting() + pay_->waiting(),
          sales_.QuantileMs(0.5), sales_.QuantileMs(0.99));
      std::fflush(stdout);
      ok_this_second_ = 0;
      if (Done() && in_flight_ == 0) return;
      Progress();
    });
  }

  static nlohmann::json Latency(const Histogram& h) {
    return {{"count", h.count()},          {"p50_ms", h.QuantileMs(0.5)},
            {"p90_ms", h.QuantileMs(0.9)}, {"p99_ms", h.QuantileMs(0.99)},
            {"max_ms", h.MaxMs()},         {"mean_ms", h.MeanMs()}};
  }

  nlohmann::json Result() {
    if (finished_ == Clock::time_point{}) finished_ = Clock::now();
    const double elapsed = std::chrono::duration<double>(finished_ - start_).count();
    uint64_t errors = 0;
    nlohmann::json by_code = nlohmann::json::object();
    for (const auto& [code, count] : errors_) {
      errors += count;
      by_code[code] = count;
    }
    nlohmann::json requests = nlohmann::json::object();
    for (const auto& [name, h] : per_request_) requests[name] = Latency(h);
    return {
        {"flow", o_.flow},
        {"mode", o_.rate > 0 ? "open" : "closed"},
        {"concurrency", o_.concurrency},
        {"rate", o_.rate},
        {"duration_s", o_.duration_s},
        {"elapsed_s", elapsed},
        {"vendors", vendors_.size()},
        {"vendor_ids", vendors_},
        {"unclaimed", o_.unclaimed},
        {"ok", ok_},
        {"errors", errors},
        {"errors_by_code", by_code},
        {"throughput_per_s", elapsed > 0 ? static_cast<double>(ok_) / elapsed : 0},
        {"latency", Latency(sales_)},
        {"requests", requests},
        {"connects", op_->connects() + pay_->connects()},
        {"issue_retries", issue_retries_},
        {"prefill", o_.prefill},
        {"prefilled_used", prefilled_used_},
        {"prefill_errors", prefill_errors_},
        {"client_cpu_s", SelfCpuSeconds() - cpu_at_start_},
        {"machine", {{"nproc", std::thread::hardware_concurrency()}, {"cpu", bench::CpuModel()}}}};
  }

  const Options& o_;
  std::vector<std::string> vendors_;
  std::string run_;
  boost::asio::io_context io_;
  boost::asio::steady_timer timer_, progress_;
  std::unique_ptr<Pool> op_, pay_;
  Clock::time_point start_, end_, finished_;
  double cpu_at_start_ = 0;
  uint64_t seq_ = 0, scheduled_ = 0, in_flight_ = 0, started_ = 0, ok_ = 0, ok_this_second_ = 0;
  uint64_t prefill_started_ = 0, prefill_in_flight_ = 0, prefilled_used_ = 0;
  bool prefill_done_ = false;
  uint64_t issue_retries_ = 0;
  std::deque<Claim> prefilled_;
  std::map<std::string, uint64_t> prefill_errors_;
  Histogram sales_;
  std::map<std::string, Histogram> per_request_;
  std::map<std::string, uint64_t> errors_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"fapiao-bench: load a running consortium through its HTTP API"};
  app.add_option("--operator-api", o.operator_api, "market operator's node, http://host:port")
      ->required();
  app.add_option("--operator-key", o.operator_key, "market operator's API key (its market)")
      ->required();
  app.add_option("--provider-api", o.provider_api, "payment provider's node")->required();
  app.add_option("--provider-key", o.provider_key, "payment provider's API key")->required();
  app.add_option("--market", o.market, "the operator's market");
  app.add_option("--vendors", o.vendors, "vendors to register and sell from")
      ->check(CLI::Range(1, 8192));
  app.add_option("--flow", o.flow,
                 "attest: payments only; issue: payment + invoice by claim; "
                 "mixed: issue + read the invoice and the payment")
      ->check(CLI::IsMember({"attest", "issue", "mixed"}));
  auto* conc = app.add_option("--concurrency", o.concurrency, "closed loop: sales in flight")
                   ->check(CLI::Range(1, 4096));
  auto* rate = app.add_option("--rate", o.rate, "open loop: sales started per second")
                   ->check(CLI::PositiveNumber);
  conc->excludes(rate);
  app.add_option("--connections", o.connections,
                 "keep-alive connections per node (default: concurrency, or 64 open loop)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--prefill", o.prefill,
                 "flows issue/mixed: attest this many payments before the clock starts, so "
                 "sales take one and time only the issuance (then attest inline)")
      ->check(CLI::Range(0u, 10000000u));
  app.add_option("--duration", o.duration_s, "seconds of load")->check(CLI::PositiveNumber);
  app.add_option("--timeout", o.timeout_s, "seconds per request")->check(CLI::PositiveNumber);
  app.add_option("--out", o.out, "write the result JSON here");
  app.add_option("--sales", o.sales, "stop after this many sales instead of --duration");
  app.add_option("--unclaimed", o.unclaimed,
                 "fraction of sales whose buyer never claims the invoice (payment left "
                 "uninvoiced)")
      ->check(CLI::Range(0.0, 1.0));
  std::string ledger_clock;
  app.add_option("--ledger-clock", ledger_clock,
                 "ORIGIN_MS,ANCHOR_MS,RATE: the consortium's warped [clock], so payments are "
                 "attested at ledger time");
  CLI11_PARSE(app, argc, argv);
  if (!ledger_clock.empty() &&
      std::sscanf(ledger_clock.c_str(), "%" SCNu64 ",%" SCNu64 ",%" SCNu64, &o.clock.origin_ms,
                  &o.clock.anchor_ms, &o.clock.rate) != 3) {
    std::fprintf(stderr, "fapiao-bench: --ledger-clock: expected ORIGIN_MS,ANCHOR_MS,RATE\n");
    return 2;
  }
  if (o.concurrency == 0 && o.rate <= 0) o.concurrency = 8;

  auto op = client::ParseApiUrl(o.operator_api);
  auto pay = client::ParseApiUrl(o.provider_api);
  if (!op.ok() || !pay.ok()) {
    std::fprintf(stderr, "fapiao-bench: %s\n",
                 (op.ok() ? pay.status() : op.status()).message().c_str());
    return 2;
  }
  char run[16];
  std::snprintf(run, sizeof run, "%x", static_cast<unsigned>(NowMs() / 1000 % 0xffffff));
  std::printf("fapiao-bench: machine: %u cpus, %s\n", std::thread::hardware_concurrency(),
              bench::CpuModel().c_str());
  auto vendors = RegisterVendors(o, run);
  if (vendors.empty()) return 1;
  char mode[64];
  if (o.rate > 0) {
    std::snprintf(mode, sizeof mode, "open loop at %g sales/s", o.rate);
  } else {
    std::snprintf(mode, sizeof mode, "closed loop, %u in flight", o.concurrency);
  }
  char length[48];
  if (o.sales > 0) {
    std::snprintf(length, sizeof length, "%" PRIu64 " sales", o.sales);
  } else {
    std::snprintf(length, sizeof length, "%g s", o.duration_s);
  }
  std::printf("fapiao-bench: %zu vendors registered; flow %s, %s, %s\n", vendors.size(),
              o.flow.c_str(), mode, length);
  Bench bench(o, std::move(vendors), run, *op, *pay);
  nlohmann::json result = bench.Run();
  const auto& lat = result["latency"];
  std::printf("\nfapiao-bench: %llu ok, %llu errors in %.1f s: %.1f sales/s\n",
              result["ok"].get<unsigned long long>(), result["errors"].get<unsigned long long>(),
              result["elapsed_s"].get<double>(), result["throughput_per_s"].get<double>());
  std::printf("  client CPU %.1f s (%.0f µs per sale)\n", result["client_cpu_s"].get<double>(),
              result["ok"].get<uint64_t>()
                  ? result["client_cpu_s"].get<double>() * 1e6 / result["ok"].get<double>()
                  : 0.0);
  std::printf("  sale latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n",
              lat["p50_ms"].get<double>(), lat["p90_ms"].get<double>(), lat["p99_ms"].get<double>(),
              lat["max_ms"].get<double>());
  for (const auto& [name, r] : result["requests"].items()) {
    std::printf("  %-13s ms: p50 %.1f  p99 %.1f  (%llu ok)\n", name.c_str(),
                r["p50_ms"].get<double>(), r["p99_ms"].get<double>(),
                r["count"].get<unsigned long long>());
  }
  if (result["issue_retries"].get<uint64_t>() > 0) {
    std::printf(
        "  issue retried %llu times (payment.unknown: payment not yet executed on the "
        "operator's node)\n",
        result["issue_retries"].get<unsigned long long>());
  }
  for (const auto& [code, count] : result["errors_by_code"].items()) {
    std::printf("  error %s: %llu\n", code.c_str(), count.get<unsigned long long>());
  }
  if (!o.out.empty()) {
    std::ofstream f(o.out);
    f << result.dump(2) << "\n";
    if (!f) {
      std::fprintf(stderr, "fapiao-bench: cannot write %s\n", o.out.c_str());
      return 1;
    }
  }
  return result["errors"].get<uint64_t>() == 0 ? 0 : 1;
}
