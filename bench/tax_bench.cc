// fapiao-tax-bench: times the tax bureau's queries on a seeded ledger (scripts/seed-tax,
// scripts/bench-tax) through the real HTTP API of the tax bureau's node, one query at a
// time on one keep-alive connection, each recorded in the officer audit log as always:
//   - vendor-month statistics (random vendor, random month): p50/p99/max;
//   - the first page of filtered searches (vendor + month; market + day + treatment;
//     market + month + amount range): p50/p99/max each;
//   - one anomaly report per kind over a month of the market: p50/max;
//   - CSV export of the whole period and UBL export of one month, streamed: invoices/s,
//     and the node's resident memory (--pid) sampled every 100 ms during the export.
// Prints the machine and the figures, and writes --out result.json.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <limits>
#include <random>
#include <thread>

#include "bench/http_load.h"
#include "bench/machine.h"
#include "tools/fapiao/http_client.h"

namespace {

using namespace fapiao;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using bench::Clock;
using bench::Histogram;
using nlohmann::json;

struct Options {
  std::string api, key, seed_file, market = "puer-simao", from, to, out;
  uint32_t requests = 1000;
  uint32_t anomaly_runs = 5;
  int pid = 0;
};

uint64_t RssKb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

json Latency(const Histogram& h) {
  return {{"count", h.count()},
          {"p50_ms", h.QuantileMs(0.5)},
          {"p99_ms", h.QuantileMs(0.99)},
          {"max_ms", h.MaxMs()}};
}

// Times `n` GETs of make(i); a non-200 answer stops the bench (a wrong figure is worse
// than none).
json TimeQueries(client::HttpClient& c, const std::string& key, const std::string& name, uint32_t n,
                 const std::function<std::string(uint32_t)>& make) {
  Histogram h;
  for (uint32_t i = 0; i < n; ++i) {
    const std::string target = make(i);
    const auto t0 = Clock::now();
    auto r = c.Call("GET", target, {}, key);
    h.Add(Clock::now() - t0);
    if (!r.ok() || r->status != 200) {
      std::fprintf(stderr, "fapiao-tax-bench: %s answered %s\n", target.c_str(),
                   r.ok() ? (std::to_string(r->status) + ": " + r->body.substr(0, 300)).c_str()
                          : r.status().ToString().c_str());
      std::exit(1);
    }
  }
  std::printf("  %-28s p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%llu queries)\n", name.c_str(),
              h.QuantileMs(0.5), h.QuantileMs(0.99), h.MaxMs(),
              static_cast<unsigned long long>(h.count()));
  std::fflush(stdout);
  return Latency(h);
}

// Streams one export, counting documents by `marker` (a CSV row's newline, a UBL
// document's closing tag) across chunk boundaries, while a thread samples the node's RSS.
json TimeExport(const client::ApiUrl& url, const std::string& key, const std::string& target,
                const std::vector<std::string>& markers, int pid) {
  std::atomic<bool> running{true};
  uint64_t rss_start = pid ? RssKb(pid) : 0, rss_max = rss_start;
  std::thread sampler([&] {
    while (running) {
      if (pid) rss_max = std::max(rss_max, RssKb(pid));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  tcp::resolver resolver(io);
  stream.connect(resolver.resolve(url.host, std::to_string(url.port)));
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, url.host);
  req.set(http::field::authorization, "Bearer " + key);
  const auto t0 = Clock::now();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // any size: streamed
  boost::system::error_code header_ec;
  http::read_header(stream, buffer, parser, header_ec);
  if (header_ec) {
    std::fprintf(stderr, "fapiao-tax-bench: %s: %s\n", target.c_str(), header_ec.message().c_str());
    std::exit(1);
  }
  if (parser.get().result_int() != 200) {
    std::fprintf(stderr, "fapiao-tax-bench: %s answered %d\n", target.c_str(),
                 parser.get().result_int());
    std::exit(1);
  }
  std::vector<char> chunk(64 * 1024);
  std::string carry;
  uint64_t bytes = 0, documents = 0;
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    boost::system::error_code ec;
    http::read(stream, buffer, parser, ec);
    if (ec && ec != http::error::need_buffer) {
      std::fprintf(stderr, "fapiao-tax-bench: export read: %s\n", ec.message().c_str());
      std::exit(1);
    }
    const size_t got = chunk.size() - parser.get().body().size;
    bytes += got;
    // A marker counts once: in carry + chunk, only where it ends inside the chunk.
    const std::string text = carry + std::string(chunk.data(), got);
    for (const auto& m : markers) {
      for (size_t at = text.find(m); at != std::string::npos; at = text.find(m, at + 1)) {
        if (at + m.size() > carry.size()) ++documents;
      }
    }
    carry = text.substr(text.size() - std::min<size_t>(text.size(), 15));
  }
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  running = false;
  sampler.join();
  const uint64_t rss_end = pid ? RssKb(pid) : 0;
  return {{"target", target},      {"documents", documents}, {"bytes", bytes},
          {"seconds", s},          {"per_s", documents / s}, {"rss_start_kb", rss_start},
          {"rss_max_kb", rss_max}, {"rss_end_kb", rss_end}};
}

std::string Month(std::chrono::year_month ym, bool last_day) {
  char buf[16];
  const unsigned day =
      last_day ? static_cast<unsigned>(std::chrono::year_month_day_last(
                                           ym.year(), std::chrono::month_day_last(ym.month()))
                                           .day())
               : 1u;
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ym.year()),
                static_cast<unsigned>(ym.month()), day);
  return buf;
}

std::string Date(std::chrono::sys_days d) {
  const std::chrono::year_month_day ymd(d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::chrono::year_month ParseMonth(const std::string& date) {
  return std::chrono::year(std::stoi(date.substr(0, 4))) /
         std::chrono::month(static_cast<unsigned>(std::stoi(date.substr(5, 2))));
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"fapiao-tax-bench: time the tax bureau's queries on a seeded ledger"};
  app.add_option("--api", o.api, "the tax bureau's node, http://host:port")->required();
  app.add_option("--key", o.key, "a tax officer's API key")->required();
  app.add_option("--seed", o.seed_file, "the seeding run's result JSON (vendor_ids)")->required();
  app.add_option("--from", o.from, "first day of the seeded period, YYYY-MM-DD")->required();
  app.add_option("--to", o.to, "last day of the seeded period, YYYY-MM-DD")->required();
  app.add_option("--market", o.market, "the seeded market");
  app.add_option("--requests", o.requests, "queries per statistics and search figure");
  app.add_option("--anomaly-runs", o.anomaly_runs, "reports per anomaly kind");
  app.add_option("--pid", o.pid, "the tax bureau node's PID (resident memory during exports)");
  app.add_option("--out", o.out, "write the result JSON here");
  CLI11_PARSE(app, argc, argv);

  auto url = client::ParseApiUrl(o.api);
  if (!url.ok()) {
    std::fprintf(stderr, "fapiao-tax-bench: %s\n", url.status().message().c_str());
    return 2;
  }
  std::ifstream seed_in(o.seed_file);
  const json seed = json::parse(seed_in, nullptr, false);
  if (!seed.is_object() || !seed.contains("vendor_ids") || seed["vendor_ids"].empty()) {
    std::fprintf(stderr, "fapiao-tax-bench: %s has no vendor_ids\n", o.seed_file.c_str());
    return 2;
  }
  const auto vendors = seed["vendor_ids"].get<std::vector<std::string>>();
  // The whole months inside the seeded period.
  std::vector<std::chrono::year_month> months;
  for (auto ym = ParseMonth(o.from) + std::chrono::months(1); ym < ParseMonth(o.to);
       ym += std::chrono::months(1)) {
    months.push_back(ym);
  }
  if (months.empty()) months.push_back(ParseMonth(o.from));
  std::printf("fapiao-tax-bench: machine: %u cpus, %s\n", std::thread::hardware_concurrency(),
              bench::CpuModel().c_str());
  std::printf("fapiao-tax-bench: %zu vendors, %zu whole months in %s..%s, tax node %s\n",
              vendors.size(), months.size(), o.from.c_str(), o.to.c_str(), o.api.c_str());

  std::mt19937_64 rng(20261121);
  auto pick_vendor = [&] { return vendors[rng() % vendors.size()]; };
  auto pick_month = [&] { return months[rng() % months.size()]; };
  client::HttpClient conn(*url);
  json result;
  result["machine"] = {{"nproc", std::thread::hardware_concurrency()}, {"cpu", bench::CpuModel()}};

  std::printf("statistics and first pages:\n");
  result["vendor_month_stats"] =
      TimeQueries(conn, o.key, "vendor-month statistics", o.requests, [&](uint32_t) {
        const auto m = pick_month();
        return "/v1/tax/vendors/" + pick_vendor() + "/stats?period=month&from=" + Month(m, false) +
               "&to=" + Month(m, true);
      });
  result["search_vendor_month"] =
      TimeQueries(conn, o.key, "search: vendor + month", o.requests, [&](uint32_t) {
        const auto m = pick_month();
        return "/v1/tax/invoices?limit=50&vendor=" + pick_vendor() + "&from=" + Month(m, false) +
               "&to=" + Month(m, true);
      });
  result["search_market_day_treatment"] =
      TimeQueries(conn, o.key, "search: market+day+treatment", o.requests, [&](uint32_t) {
        const auto m = pick_month();
        char day[16];
        std::snprintf(day, sizeof day, "%s%02u", Month(m, false).substr(0, 8).c_str(),
                      static_cast<unsigned>(1 + rng() % 28));
        return "/v1/tax/invoices?limit=50&market=" + o.market + "&from=" + day + "&to=" + day +
               "&treatment=exempt";
      });
  result["search_market_month_amount"] =
      TimeQueries(conn, o.key, "search: market+month+amount", o.requests, [&](uint32_t) {
        const auto m = pick_month();
        const uint64_t lo = 100 + rng() % 9000;
        return "/v1/tax/invoices?limit=50&market=" + o.market + "&from=" + Month(m, false) +
               "&to=" + Month(m, true) + "&min_fen=" + std::to_string(lo) +
               "&max_fen=" + std::to_string(lo + 500);
      });

  std::printf("anomaly reports (one month of the market each):\n");
  json anomalies = json::object();
  const auto m = months[months.size() / 2];
  for (const char* kind : {"uninvoiced_payment", "over_payment", "duplicate",
                           "split_below_threshold", "small_scale_over_limit", "red_letter_rate",
                           "red_after_reimbursement", "exemption_mismatch", "off_hours"}) {
    const std::string target = std::string("/v1/tax/anomalies?kind=") + kind +
                               "&market=" + o.market + "&from=" + Month(m, false) +
                               "&to=" + Month(m, true);
    auto first = conn.Call("GET", target, {}, o.key);
    const int status = first.ok() ? first->status : 0;
    const std::string body = first.ok() ? first->body : std::string();
    if (status == 404) {
      std::printf("  %-28s not served by this node\n", kind);
      continue;
    }
    anomalies[kind] =
        TimeQueries(conn, o.key, kind, o.anomaly_runs, [&](uint32_t) { return target; });
    auto j = json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("findings")) {
      anomalies[kind]["findings"] = j["findings"].size();
      anomalies[kind]["truncated"] = j.value("truncated", false);
    }
  }
  result["anomalies"] = anomalies;

  std::printf("exports (streamed):\n");
  // The whole period, at most the 366 days one export may cover.
  const auto first_day = std::chrono::sys_days(
      std::chrono::year_month_day(ParseMonth(o.from) / std::stoi(o.from.substr(8, 2))));
  const auto last_day = std::min(first_day + std::chrono::days(365),
                                 std::chrono::sys_days(std::chrono::year_month_day(
                                     ParseMonth(o.to) / std::stoi(o.to.substr(8, 2)))));
  const std::string csv_target =
      "/v1/tax/export?format=csv&from=" + o.from + "&to=" + Date(last_day);
  result["export_csv"] = TimeExport(*url, o.key, csv_target, {"\n"}, o.pid);
  // The CSV's header line is not an invoice.
  result["export_csv"]["documents"] = result["export_csv"]["documents"].get<uint64_t>() - 1;
  result["export_csv"]["per_s"] = result["export_csv"]["documents"].get<double>() /
                                  result["export_csv"]["seconds"].get<double>();
  const std::string ubl_target =
      "/v1/tax/export?format=ubl&from=" + Month(m, false) + "&to=" + Month(m, true);
  result["export_ubl_month"] =
      TimeExport(*url, o.key, ubl_target, {"</Invoice>", "</CreditNote>"}, o.pid);
  for (const char* name : {"export_csv", "export_ubl_month"}) {
    const json& e = result[name];
    std::printf(
        "  %-16s %llu invoices in %.1f s: %.0f invoices/s, %.1f MB; node RSS %llu -> max %llu "
        "-> %llu kB\n",
        name, e["documents"].get<unsigned long long>(), e["seconds"].get<double>(),
        e["per_s"].get<double>(), e["bytes"].get<double>() / 1e6,
        e["rss_start_kb"].get<unsigned long long>(), e["rss_max_kb"].get<unsigned long long>(),
        e["rss_end_kb"].get<unsigned long long>());
  }
  if (!o.out.empty()) {
    std::ofstream f(o.out);
    f << result.dump(2) << "\n";
  }
  return 0;
}
