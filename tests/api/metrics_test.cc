// Metrics registry scenarios:
//  - counters, gauges, labelled families, callback metrics render and parse
//  - histograms: buckets cumulative, +Inf == _count, _sum, boundary values
//  - label values are escaped; a name registered twice is one family
//  - concurrent updates from several threads add up exactly
#include <thread>

#include <catch2/catch.hpp>

#include "api/metrics.h"
#include "tests/api/exposition.h"

namespace fapiao::api {
namespace {

testing::Exposition Parse(const MetricsRegistry& r) {
  std::string error;
  auto e = testing::ParseExposition(r.Render(), &error);
  INFO(error);
  REQUIRE(e);
  return *e;
}

}  // namespace

TEST_CASE("registry renders counters, gauges and callbacks", "[api][metrics]") {
  MetricsRegistry r;
  auto& fam = r.CounterFamily("fapiao_test_total", "Test.", {"kind"});
  fam.With({"a"}).Inc();
  fam.With({"a"}).Inc(2);
  fam.With({"b\"\\\n"}).Inc();
  CHECK(&r.CounterFamily("fapiao_test_total", "Test.", {"kind"}) == &fam);
  r.AddGauge("fapiao_depth", "Depth.").Set(-2.5);
  double height = 7;
  r.AddCallback("fapiao_height", "Height.", MetricType::kGauge, {{"node", "n1"}},
                [&] { return height; });
  height = 9;

  const auto e = Parse(r);
  CHECK(e.types.at("fapiao_test_total") == "counter");
  CHECK(e.types.at("fapiao_depth") == "gauge");
  CHECK(e.Find("fapiao_test_total", {{"kind", "a"}}).at(0).value == 3);
  CHECK(e.Find("fapiao_test_total", {{"kind", "b\"\\\n"}}).at(0).value == 1);
  CHECK(e.Find("fapiao_depth").at(0).value == -2.5);
  CHECK(e.Find("fapiao_height", {{"node", "n1"}}).at(0).value == 9);
}

TEST_CASE("histograms are cumulative with sum and count", "[api][metrics]") {
  MetricsRegistry r;
  auto& h = r.AddHistogram("fapiao_latency_seconds", "Latency.", {0.1, 1, 10}, {{"op", "x"}});
  for (double v : {0.05, 0.1, 0.5, 1.0, 5.0, 50.0}) h.Observe(v);
  CHECK(h.BucketCounts() == std::vector<std::uint64_t>{2, 2, 1, 1});
  const auto e = Parse(r);
  CHECK(testing::CheckHistograms(e, "fapiao_latency_seconds").empty());
  CHECK(e.Find("fapiao_latency_seconds_bucket", {{"le", "1"}}).at(0).value == 4);
  CHECK(e.Find("fapiao_latency_seconds_bucket", {{"le", "+Inf"}}).at(0).value == 6);
  CHECK(e.Find("fapiao_latency_seconds_sum").at(0).value == Approx(56.65));
  CHECK(e.Find("fapiao_latency_seconds_count").at(0).value == 6);
}

TEST_CASE("concurrent updates add up", "[api][metrics]") {
  MetricsRegistry r;
  auto& fam = r.CounterFamily("fapiao_ops_total", "Ops.", {"t"});
  auto& h = r.AddHistogram("fapiao_op_seconds", "Op.", LatencyBuckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        fam.With({std::to_string(t % 2)}).Inc();
        h.Observe(0.001);
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(fam.With({"0"}).Value() == 20000);
  CHECK(fam.With({"1"}).Value() == 20000);
  CHECK(h.Count() == 40000);
}

}  // namespace fapiao::api
