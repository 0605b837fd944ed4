// A small Prometheus registry (text exposition format 0.0.4): counters, gauges,
// fixed-bucket histograms, families with labels, and callback metrics that are
// evaluated at scrape time. Metrics live as long as the registry and are
// returned by reference: resolve a label set once, then update it lock-free
// (atomics). All methods are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace fapiao::api {

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

class Counter {
 public:
  void Inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // REQUIRES: bounds strictly increasing and finite (+Inf is implicit).
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  // Per-bucket counts, not cumulative; the last one is the +Inf overflow.
  std::vector<std::uint64_t> BucketCounts() const;
  std::uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Seconds: 0.5 ms .. 10 s.
std::vector<double> LatencyBuckets();

enum class MetricType { kCounter, kGauge, kHistogram };

// All metrics of one name. With() resolves a label set (values in the order of
// the family's label names) to a metric that lives as long as the registry.
template <typename Metric>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::vector<double> bounds);
  // REQUIRES: values.size() == label_names().size()
  Metric& With(const std::vector<std::string>& values);
  Metric& With(std::initializer_list<std::string_view> values);
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Calls f(values, metric) for every label set, in creation order.
  void ForEach(const std::function<void(const std::vector<std::string>&, const Metric&)>& f) const;

 private:
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;  // histograms only
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::pair<std::vector<std::string>, std::unique_ptr<Metric>>> children_;
};

using Labels = std::vector<std::pair<std::string, std::string>>;

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Registering a name again returns the same family.
  // REQUIRES: name matches [a-zA-Z_:][a-zA-Z0-9_:]*; a name keeps one type
  // and one list of label names.
  Family<Counter>& CounterFamily(const std::string& name, const std::string& help,
                                 std::vector<std::string> label_names = {});
  Family<Gauge>& GaugeFamily(const std::string& name, const std::string& help,
                             std::vector<std::string> label_names = {});
  Family<Histogram>& HistogramFamily(const std::string& name, const std::string& help,
                                     std::vector<std::string> label_names,
                                     std::vector<double> bounds);

  // Shorthands: one family member with these labels.
  Counter& AddCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& AddGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& AddHistogram(const std::string& name, const std::string& help,
                          std::vector<double> bounds, const Labels& labels = {});

  // A counter or gauge whose value `read` returns at scrape time. `read` runs
  // on the scraping thread and must not call into this registry.
  // REQUIRES: type != kHistogram
  void AddCallback(const std::string& name, const std::string& help, MetricType type,
                   const Labels& labels, std::function<double()> read);

  // The text exposition of every metric, families in registration order.
  std::string Render() const;

 private:
  struct Entry;
  Entry& FindOrAdd(const std::string& name, const std::string& help, MetricType type,
                   const std::vector<std::string>& label_names, bool callback);
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace fapiao::api
