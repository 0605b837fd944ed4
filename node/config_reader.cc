#include "node/config_reader.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fapiao::node::config_internal {
namespace fs = std::filesystem;

void Fail(const std::string& file, const std::string& field, const std::string& code,
          const std::string& message) {
  std::string text = file + ": ";
  if (!field.empty()) text += field + ": ";
  throw ConfigError{Status::Error(code, text + message)};
}

std::string ReadFile(const std::string& file, const std::string& field, const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) Fail(file, field, "config.file", "no such file: " + path);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  if (!in.good() && !in.eof()) Fail(file, field, "config.io", "cannot read " + path);
  return out.str();
}

std::optional<Endpoint> ParseEndpoint(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return std::nullopt;  // bare IPv6
  }
  if (host.empty() || port.empty() || port.size() > 5) return std::nullopt;
  for (char c : host) {
    if (c <= ' ' || c > '~' || c == '/' || c == '[' || c == ']') return std::nullopt;
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    return std::nullopt;
  }
  Endpoint ep;
  ep.host = std::string(host);
  ep.port = static_cast<uint16_t>(value);
  return ep;
}

std::string ResolvePath(const std::string& file, const std::string& path) {
  fs::path p(path);
  if (p.is_relative()) p = fs::path(file).parent_path() / p;
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  return (ec ? p : abs).lexically_normal().string();
}

toml::table ParseTomlFile(const std::string& path) {
  const std::string text = ReadFile(path, "", path);
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    Fail(path, "", "config.syntax",
         "line " + std::to_string(at.line) + ", column " + std::to_string(at.column) + ": " +
             std::string(e.description()));
  }
}

Section::Section(const std::string& file, const toml::table& table, std::string prefix)
    : file_(file), table_(&table), prefix_(std::move(prefix)) {}

std::string Section::Field(std::string_view key) const {
  if (prefix_.empty()) return std::string(key);
  return prefix_ + "." + std::string(key);
}

void Section::Fail(std::string_view key, const std::string& code,
                   const std::string& message) const {
  config_internal::Fail(file_, key.empty() ? prefix_ : Field(key), code, message);
}

const toml::node* Section::Get(std::string_view key) {
  known_.insert(std::string(key));
  return table_->get(key);
}

bool Section::Has(std::string_view key) const {
  return table_->contains(key);
}

std::optional<std::string> Section::String(std::string_view key) {
  const toml::node* n = Get(key);
  if (n == nullptr) return std::nullopt;
  const auto* s = n->as_string();
  if (s == nullptr) Fail(key, "config.type", "expected a string");
  return s->get();
}

std::string Section::RequiredString(std::string_view key) {
  auto s = String(key);
  if (!s) Fail(key, "config.missing", "required");
  return *s;
}

std::optional<uint64_t> Section::Uint(std::string_view key, uint64_t min, uint64_t max) {
  const toml::node* n = Get(key);
  if (n == nullptr) return std::nullopt;
  const auto* i = n->as_integer();
  if (i == nullptr) Fail(key, "config.type", "expected an integer");
  const int64_t v = i->get();
  if (v < 0 || static_cast<uint64_t>(v) < min || static_cast<uint64_t>(v) > max) {
    Fail(
        key, "config.range",
        std::to_string(v) + " is out of range " + std::to_string(min) + ".." + std::to_string(max));
  }
  return static_cast<uint64_t>(v);
}

uint64_t Section::RequiredUint(std::string_view key, uint64_t min, uint64_t max) {
  auto v = Uint(key, min, max);
  if (!v) Fail(key, "config.missing", "required");
  return *v;
}

std::optional<bool> Section::Bool(std::string_view key) {
  const toml::node* n = Get(key);
  if (n == nullptr) return std::nullopt;
  const auto* b = n->as_boolean();
  if (b == nullptr) Fail(key, "config.type", "expected true or false");
  return b->get();
}

std::vector<std::string> Section::StringArray(std::string_view key) {
  std::vector<std::string> out;
  const toml::node* n = Get(key);
  if (n == nullptr) return out;
  const auto* arr = n->as_array();
  if (arr == nullptr) Fail(key, "config.type", "expected an array of strings");
  for (const toml::node& e : *arr) {
    const auto* s = e.as_string();
    if (s == nullptr) Fail(key, "config.type", "expected an array of strings");
    out.push_back(s->get());
  }
  return out;
}

std::optional<Section> Section::Table(std::string_view key) {
  const toml::node* n = Get(key);
  if (n == nullptr) return std::nullopt;
  const auto* t = n->as_table();
  if (t == nullptr) Fail(key, "config.type", "expected a table [" + Field(key) + "]");
  return Section(file_, *t, Field(key));
}

std::vector<Section> Section::TableArray(std::string_view key) {
  std::vector<Section> out;
  const toml::node* n = Get(key);
  if (n == nullptr) return out;
  const auto* arr = n->as_array();
  if (arr == nullptr)
    Fail(key, "config.type", "expected an array of tables [[" + Field(key) + "]]");
  for (size_t i = 0; i < arr->size(); ++i) {
    const auto* t = (*arr)[i].as_table();
    const std::string name = Field(key) + "[" + std::to_string(i) + "]";
    if (t == nullptr) config_internal::Fail(file_, name, "config.type", "expected a table");
    out.emplace_back(file_, *t, name);
  }
  return out;
}

std::optional<Endpoint> Section::EndpointField(std::string_view key) {
  auto s = String(key);
  if (!s) return std::nullopt;
  auto ep = ParseEndpoint(*s);
  if (!ep)
    Fail(key, "config.endpoint", "expected host:port with a port 1..65535, got '" + *s + "'");
  return ep;
}

std::optional<std::string> Section::Path(std::string_view key) {
  auto s = String(key);
  if (!s) return std::nullopt;
  if (s->empty()) Fail(key, "config.missing", "empty path");
  return ResolvePath(file_, *s);
}

std::string Section::ExistingFile(std::string_view key, std::optional<std::string> fallback) {
  auto p = Path(key);
  if (!p && fallback) p = ResolvePath(file_, *fallback);
  if (!p) Fail(key, "config.missing", "required");
  std::error_code ec;
  if (!fs::is_regular_file(*p, ec)) Fail(key, "config.file", "no such file: " + *p);
  return *p;
}

void Section::Expect(std::initializer_list<std::string_view> keys) const {
  for (const auto& [key, value] : *table_) {
    if (std::find(keys.begin(), keys.end(), key.str()) == keys.end()) {
      config_internal::Fail(file_, Field(key.str()), "config.unknown_key",
                            "unknown key (misspelt?); see docs/operations.md");
    }
  }
}

void Section::Finish() const {
  for (const auto& [key, value] : *table_) {
    if (!known_.contains(key.str())) {
      config_internal::Fail(file_, Field(key.str()), "config.unknown_key",
                            "unknown key (misspelt?); see docs/operations.md");
    }
  }
}

}  // namespace fapiao::node::config_internal
