// A strict reader of the Prometheus text format for tests: every line must be
// a # HELP / # TYPE comment or a well-formed sample of a declared family.
// Pure functions on values; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fapiao::api::testing {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Exposition {
  std::map<std::string, std::string> types;  // family -> counter|gauge|histogram
  std::vector<Sample> samples;
  // The samples of `name` whose labels include `labels`.
  std::vector<Sample> Find(const std::string& name,
                           const std::map<std::string, std::string>& labels = {}) const;
};

// nullopt (with `error` set) on any malformed line.
std::optional<Exposition> ParseExposition(const std::string& text, std::string* error);

// For every histogram series of `family`: buckets cumulative and ascending in
// le, a +Inf bucket equal to _count, and a _sum. Empty string when all hold.
std::string CheckHistograms(const Exposition& e, const std::string& family);

}  // namespace fapiao::api::testing
