#include "tests/api/exposition.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace fapiao::api::testing {
namespace {

bool NameChar(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         (!first && c >= '0' && c <= '9');
}

std::optional<double> ParseValue(const std::string& s) {
  if (s == "+Inf") return INFINITY;
  if (s == "-Inf") return -INFINITY;
  if (s == "NaN") return NAN;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

std::string FamilyOf(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string sfx(suffix);
    if (name.size() > sfx.size() && name.ends_with(sfx)) {
      const std::string base = name.substr(0, name.size() - sfx.size());
      auto it = types.find(base);
      if (it != types.end() && it->second == "histogram") return base;
    }
  }
  return name;
}

}  // namespace

std::vector<Sample> Exposition::Find(const std::string& name,
                                     const std::map<std::string, std::string>& labels) const {
  std::vector<Sample> out;
  for (const auto& s : samples) {
    if (s.name != name) continue;
    bool all = true;
    for (const auto& [k, v] : labels) {
      auto it = s.labels.find(k);
      all = all && it != s.labels.end() && it->second == v;
    }
    if (all) out.push_back(s);
  }
  return out;
}

std::optional<Exposition> ParseExposition(const std::string& text, std::string* error) {
  Exposition e;
  std::istringstream in(text);
  std::string line;
  auto fail = [&](const std::string& why) {
    *error = why + ": '" + line + "'";
    return std::nullopt;
  };
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.starts_with("# HELP ")) continue;
    if (line.starts_with("# TYPE ")) {
      std::istringstream t(line.substr(7));
      std::string name, type;
      t >> name >> type;
      if (type != "counter" && type != "gauge" && type != "histogram") return fail("bad type");
      e.types[name] = type;
      continue;
    }
    if (line.front() == '#') return fail("unknown comment");
    Sample s;
    std::size_t i = 0;
    while (i < line.size() && NameChar(line[i], i == 0)) s.name.push_back(line[i++]);
    if (s.name.empty()) return fail("no name");
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::string key, value;
        while (i < line.size() && NameChar(line[i], key.empty())) key.push_back(line[i++]);
        if (key.empty() || line.compare(i, 2, "=\"") != 0) return fail("bad label");
        i += 2;
        while (i < line.size() && line[i] != '"') {
          if (line[i] == '\\' && i + 1 < line.size()) {
            const char c = line[++i];
            value.push_back(c == 'n' ? '\n' : c);
          } else {
            value.push_back(line[i]);
          }
          ++i;
        }
        if (i >= line.size()) return fail("unterminated label");
        ++i;
        s.labels[key] = value;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) return fail("unterminated labels");
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') return fail("no value");
    auto v = ParseValue(line.substr(i + 1));
    if (!v) return fail("bad value");
    s.value = *v;
    if (!e.types.contains(FamilyOf(s.name, e.types))) return fail("sample without TYPE");
    e.samples.push_back(std::move(s));
  }
  return e;
}

std::string CheckHistograms(const Exposition& e, const std::string& family) {
  // Series key: labels without le.
  std::map<std::map<std::string, std::string>, std::vector<std::pair<double, double>>> buckets;
  for (const auto& s : e.Find(family + "_bucket")) {
    auto labels = s.labels;
    auto le = labels.find("le");
    if (le == labels.end()) return "bucket without le";
    const auto bound = ParseValue(le->second);
    if (!bound) return "bad le " + le->second;
    labels.erase(le);
    buckets[labels].emplace_back(*bound, s.value);
  }
  if (buckets.empty()) return "no buckets for " + family;
  for (const auto& [labels, list] : buckets) {
    for (std::size_t i = 1; i < list.size(); ++i) {
      if (!(list[i - 1].first < list[i].first)) return "le not ascending";
      if (list[i - 1].second > list[i].second) return "buckets not cumulative";
    }
    if (!std::isinf(list.back().first)) return "no +Inf bucket";
    const auto count = e.Find(family + "_count", labels);
    const auto sum = e.Find(family + "_sum", labels);
    if (count.size() != 1 || sum.size() != 1) return "missing _count or _sum";
    if (count[0].value != list.back().second) return "+Inf bucket differs from _count";
  }
  return {};
}

}  // namespace fapiao::api::testing
