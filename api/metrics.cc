#include "api/metrics.h"

#include <cassert>
#include <charconv>
#include <cmath>

namespace fapiao::api {
namespace {

[[maybe_unused]] bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::string JoinKey(const std::vector<std::string>& values) {
  std::string key;
  for (const auto& v : values) {
    key += v;
    key.push_back('\xff');
  }
  return key;
}

void AppendDouble(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, res.ptr);
  }
}

void AppendEscaped(std::string& out, std::string_view s, bool quote_too) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote_too) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
}

// `{a="x",b="y"}` with an optional extra label (le for buckets); empty when none.
void AppendLabels(std::string& out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, std::string_view extra_name = {},
                  std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out.push_back('{');
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += names[i];
    out += "=\"";
    AppendEscaped(out, values[i], true);
    out.push_back('"');
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out.push_back(',');
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out.push_back('"');
  }
  out.push_back('}');
}

std::pair<std::vector<std::string>, std::vector<std::string>> SplitLabels(const Labels& labels) {
  std::vector<std::string> names, values;
  for (const auto& [k, v] : labels) {
    names.push_back(k);
    values.push_back(v);
  }
  return {std::move(names), std::move(values)};
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    assert(std::isfinite(bounds_[i]));
    assert(i == 0 || bounds_[i - 1] < bounds_[i]);
  }
}

void Histogram::Observe(double v) {
  std::size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::BucketCounts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = buckets_[i].load(std::memory_order_relaxed);
  return out;
}

std::vector<double> LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

template <typename Metric>
Family<Metric>::Family(std::vector<std::string> label_names, std::vector<double> bounds)
    : label_names_(std::move(label_names)), bounds_(std::move(bounds)) {}

template <typename Metric>
Metric& Family<Metric>::With(const std::vector<std::string>& values) {
  assert(values.size() == label_names_.size());
  const std::string key = JoinKey(values);
  {
    std::shared_lock lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) return *children_[it->second].second;
  }
  std::unique_lock lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) return *children_[it->second].second;
  std::unique_ptr<Metric> metric;
  if constexpr (std::is_same_v<Metric, Histogram>) {
    metric = std::make_unique<Histogram>(bounds_);
  } else {
    metric = std::make_unique<Metric>();
  }
  index_.emplace(key, children_.size());
  children_.emplace_back(values, std::move(metric));
  return *children_.back().second;
}

template <typename Metric>
Metric& Family<Metric>::With(std::initializer_list<std::string_view> values) {
  return With(std::vector<std::string>(values.begin(), values.end()));
}

template <typename Metric>
void Family<Metric>::ForEach(
    const std::function<void(const std::vector<std::string>&, const Metric&)>& f) const {
  std::shared_lock lock(mu_);
  for (const auto& [values, metric] : children_) f(values, *metric);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

struct MetricsRegistry::Entry {
  std::string name;
  std::string help;
  MetricType type;
  std::vector<std::string> label_names;
  bool callback = false;
  std::unique_ptr<Family<Counter>> counters;
  std::unique_ptr<Family<Gauge>> gauges;
  std::unique_ptr<Family<Histogram>> histograms;
  std::vector<std::pair<std::vector<std::string>, std::function<double()>>> callbacks;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Entry& MetricsRegistry::FindOrAdd(const std::string& name, const std::string& help,
                                                   MetricType type,
                                                   const std::vector<std::string>& label_names,
                                                   bool callback) {
  assert(ValidName(name));
  for (const auto& n : label_names) {
    assert(ValidName(n) && n != "le");
    (void)n;
  }
  for (auto& e : entries_) {
    if (e->name == name) {
      assert(e->type == type && e->label_names == label_names && e->callback == callback);
      return *e;
    }
  }
  auto e = std::make_unique<Entry>();
  e->name = name;
  e->help = help;
  e->type = type;
  e->label_names = label_names;
  e->callback = callback;
  entries_.push_back(std::move(e));
  return *entries_.back();
}

Family<Counter>& MetricsRegistry::CounterFamily(const std::string& name, const std::string& help,
                                                std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  Entry& e = FindOrAdd(name, help, MetricType::kCounter, label_names, false);
  if (!e.counters)
    e.counters = std::make_unique<Family<Counter>>(std::move(label_names), std::vector<double>{});
  return *e.counters;
}

Family<Gauge>& MetricsRegistry::GaugeFamily(const std::string& name, const std::string& help,
                                            std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  Entry& e = FindOrAdd(name, help, MetricType::kGauge, label_names, false);
  if (!e.gauges)
    e.gauges = std::make_unique<Family<Gauge>>(std::move(label_names), std::vector<double>{});
  return *e.gauges;
}

Family<Histogram>& MetricsRegistry::HistogramFamily(const std::string& name,
                                                    const std::string& help,
                                                    std::vector<std::string> label_names,
                                                    std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  Entry& e = FindOrAdd(name, help, MetricType::kHistogram, label_names, false);
  if (!e.histograms) {
    e.histograms = std::make_unique<Family<Histogram>>(std::move(label_names), std::move(bounds));
  }
  return *e.histograms;
}

Counter& MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                     const Labels& labels) {
  auto [names, values] = SplitLabels(labels);
  return CounterFamily(name, help, std::move(names)).With(values);
}

Gauge& MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                                 const Labels& labels) {
  auto [names, values] = SplitLabels(labels);
  return GaugeFamily(name, help, std::move(names)).With(values);
}

Histogram& MetricsRegistry::AddHistogram(const std::string& name, const std::string& help,
                                         std::vector<double> bounds, const Labels& labels) {
  auto [names, values] = SplitLabels(labels);
  return HistogramFamily(name, help, std::move(names), std::move(bounds)).With(values);
}

void MetricsRegistry::AddCallback(const std::string& name, const std::string& help, MetricType type,
                                  const Labels& labels, std::function<double()> read) {
  assert(type != MetricType::kHistogram);
  auto [names, values] = SplitLabels(labels);
  std::lock_guard lock(mu_);
  Entry& e = FindOrAdd(name, help, type, names, true);
  e.callbacks.emplace_back(std::move(values), std::move(read));
}

std::string MetricsRegistry::Render() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& e : entries_) {
    out += "# HELP " + e->name + " ";
    AppendEscaped(out, e->help, false);
    out += "\n# TYPE " + e->name + " ";
    out += e->type == MetricType::kCounter ? "counter"
           : e->type == MetricType::kGauge ? "gauge"
                                           : "histogram";
    out.push_back('\n');
    auto sample = [&](std::string_view suffix, const std::vector<std::string>& values, double value,
                      std::string_view le = {}) {
      out += e->name;
      out += suffix;
      AppendLabels(out, e->label_names, values, le.empty() ? "" : "le", le);
      out.push_back(' ');
      AppendDouble(out, value);
      out.push_back('\n');
    };
    for (const auto& [values, read] : e->callbacks) sample("", values, read());
    if (e->counters) {
      e->counters->ForEach([&](const auto& values, const Counter& c) {
        sample("", values, static_cast<double>(c.Value()));
      });
    }
    if (e->gauges) {
      e->gauges->ForEach(
          [&](const auto& values, const Gauge& g) { sample("", values, g.Value()); });
    }
    if (e->histograms) {
      e->histograms->ForEach([&](const auto& values, const Histogram& h) {
        const auto counts = h.BucketCounts();
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < counts.size(); ++i) {
          cumulative += counts[i];
          std::string le;
          AppendDouble(le, i < h.bounds().size() ? h.bounds()[i] : INFINITY);
          sample("_bucket", values, static_cast<double>(cumulative), le);
        }
        sample("_sum", values, h.Sum());
        sample("_count", values, static_cast<double>(cumulative));
      });
    }
  }
  return out;
}

}  // namespace fapiao::api
