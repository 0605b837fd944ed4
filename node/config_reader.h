// Helpers for reading one TOML configuration file: typed fields with range
// checks, unknown-key rejection, host:port endpoints, paths resolved against
// the file's folder. A failure throws ConfigError carrying a config.* Status
// whose message names the file and the dotted field; the public loaders
// (config.h) catch it and return the Status. Internal to node_config.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "ledger/core/status.h"
#include "node/config.h"

namespace fapiao::node::config_internal {

struct ConfigError {
  Status status;
};

// Throws ConfigError{code, "<file>: <field>: <message>"}; an empty field is left out.
[[noreturn]] void Fail(const std::string& file, const std::string& field, const std::string& code,
                       const std::string& message);

// Reads a whole file; throws config.io naming field when it cannot.
std::string ReadFile(const std::string& file, const std::string& field, const std::string& path);

// Parses "host:port" or "[v6]:port"; port 1..65535.
std::optional<Endpoint> ParseEndpoint(std::string_view text);

// One table of a file. Every getter records its key as known; Finish() then
// rejects any key nobody asked for, so a misspelt key is an error.
class Section {
 public:
  // file: the file's path as given (used in messages and to resolve paths).
  Section(const std::string& file, const toml::table& table, std::string prefix);

  const std::string& file() const { return file_; }
  // The dotted name of key in this section, e.g. "p2p.listen".
  std::string Field(std::string_view key) const;
  [[noreturn]] void Fail(std::string_view key, const std::string& code,
                         const std::string& message) const;

  bool Has(std::string_view key) const;
  std::optional<std::string> String(std::string_view key);
  std::string RequiredString(std::string_view key);
  std::optional<uint64_t> Uint(std::string_view key, uint64_t min, uint64_t max);
  uint64_t RequiredUint(std::string_view key, uint64_t min, uint64_t max);
  std::optional<bool> Bool(std::string_view key);
  std::vector<std::string> StringArray(std::string_view key);
  // A sub-table; nullopt if absent.
  std::optional<Section> Table(std::string_view key);
  // An array of tables; empty if absent.
  std::vector<Section> TableArray(std::string_view key);
  std::optional<Endpoint> EndpointField(std::string_view key);
  // A path field resolved against the file's folder (absolute, normalised).
  std::optional<std::string> Path(std::string_view key);
  // Like Path, and the file must exist as a regular file.
  std::string ExistingFile(std::string_view key, std::optional<std::string> fallback = {});

  // Rejects, before anything is read, every key not in `keys` (so a misspelt
  // optional key is reported as such, not as the missing key it shadows).
  void Expect(std::initializer_list<std::string_view> keys) const;
  // Rejects every key no getter asked for.
  void Finish() const;

 private:
  const toml::node* Get(std::string_view key);

  std::string file_;
  const toml::table* table_;
  std::string prefix_;
  std::set<std::string, std::less<>> known_;
};

// Parses a TOML file into a table; throws config.io / config.syntax.
toml::table ParseTomlFile(const std::string& path);

// Resolves path against the folder of file; absolute, lexically normal.
std::string ResolvePath(const std::string& file, const std::string& path);

}  // namespace fapiao::node::config_internal
