#include "node/config.h"

#include <sys/stat.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <memory>
#include <set>

#include "ledger/core/batch.h"
#include "node/config_reader.h"
#include "node/transport/pki.h"

namespace fapiao::node {
namespace {
using config_internal::ConfigError;
using config_internal::Section;

constexpr size_t kMaxMembers = 64;  // consensus tracks votes in a 64-bit mask

struct RoleName {
  std::string_view name;
  pb::Role role;
};
constexpr std::array<RoleName, 4> kRoles{{{"market_operator", pb::MARKET_OPERATOR},
                                          {"payment_provider", pb::PAYMENT_PROVIDER},
                                          {"tax_bureau", pb::TAX_BUREAU},
                                          {"reimbursing_org", pb::REIMBURSING_ORG}}};

std::optional<pb::Role> ParseRole(std::string_view name) {
  for (const auto& r : kRoles) {
    if (r.name == name) return r.role;
  }
  return std::nullopt;
}

bool Digits(const std::string& s, size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Printable ASCII, 1..max characters.
bool PrintableName(const std::string& s, size_t max) {
  return !s.empty() && s.size() <= max &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= ' ' && c <= '~'; });
}

bool IsKeyId(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

// SPKI DER of a PEM public key; nullopt if it does not parse.
std::optional<Bytes> PublicKeyDer(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return std::nullopt;
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return std::nullopt;
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key.get(), &der);
  if (len <= 0) return std::nullopt;
  Bytes out(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

// Hex SHA-256 of the SPKI DER of a PEM private key (the key id of its certificate).
std::optional<std::string> PrivateKeyId(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return std::nullopt;
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return std::nullopt;
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key.get(), &der);
  if (len <= 0) return std::nullopt;
  std::array<unsigned char, 32> digest{};
  unsigned int dlen = 0;
  const bool ok =
      EVP_Digest(der, static_cast<size_t>(len), digest.data(), &dlen, EVP_sha256(), nullptr) == 1;
  OPENSSL_free(der);
  if (!ok || dlen != digest.size()) return std::nullopt;
  return ToHex(ByteView(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

// A private key file must not be readable by group or others.
void CheckPrivateFile(Section& s, std::string_view key, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    s.Fail(key, "config.permissions",
           path + " is accessible by group or others (chmod 600 " + path + ")");
  }
}

MemberInfo ReadMember(Section& m, size_t position, CryptoSuite& suite) {
  m.Expect({"index", "name", "role", "markets", "signing_public_key", "tls_key_id", "p2p", "api"});
  MemberInfo info;
  info.index = static_cast<uint32_t>(m.RequiredUint("index", 0, kMaxMembers - 1));
  if (info.index != position) {
    m.Fail("index", "config.member",
           "members must be listed in index order 0..n-1; expected " + std::to_string(position));
  }
  info.name = m.RequiredString("name");
  if (!PrintableName(info.name, 64)) {
    m.Fail("name", "config.name", "expected 1..64 printable ASCII characters");
  }
  const std::string role = m.RequiredString("role");
  auto parsed = ParseRole(role);
  if (!parsed) {
    m.Fail("role", "config.role",
           "unknown role '" + role +
               "'; expected market_operator, payment_provider, tax_bureau or reimbursing_org");
  }
  info.role = *parsed;
  info.markets = m.StringArray("markets");
  if (info.role == pb::MARKET_OPERATOR && info.markets.empty()) {
    m.Fail("markets", "config.markets", "a market operator needs at least one market");
  }
  if (info.role != pb::MARKET_OPERATOR && !info.markets.empty()) {
    m.Fail("markets", "config.markets", "only market operators keep markets");
  }
  for (const auto& mk : info.markets) {
    if (!PrintableName(mk, 64)) {
      m.Fail("markets", "config.markets", "market names are 1..64 printable ASCII characters");
    }
  }
  info.signing_key_pem = m.RequiredString("signing_public_key");
  if (auto id = suite.verifier().AddKey(info.signing_key_pem); !id.ok()) {
    m.Fail("signing_public_key", "config.key",
           "not a " + std::string(SuiteName(suite.id())) + " public key in PEM");
  }
  info.tls_key_id = m.RequiredString("tls_key_id");
  std::transform(info.tls_key_id.begin(), info.tls_key_id.end(), info.tls_key_id.begin(),
                 [](char ch) { return ch >= 'A' && ch <= 'F' ? static_cast<char>(ch + 32) : ch; });
  if (!IsKeyId(info.tls_key_id)) {
    m.Fail("tls_key_id", "config.key", "expected 64 hex digits (SHA-256 of the TLS key's SPKI)");
  }
  auto p2p = m.EndpointField("p2p");
  if (!p2p) m.Fail("p2p", "config.missing", "required");
  auto api = m.EndpointField("api");
  if (!api) m.Fail("api", "config.missing", "required");
  info.p2p = *p2p;
  info.api = *api;
  m.Finish();
  return info;
}

Consortium ReadConsortium(const std::string& path) {
  const toml::table table = config_internal::ParseTomlFile(path);
  Section s(path, table, "");
  s.Expect({"chain_id", "suite", "province_code", "channel", "genesis_time_ms", "ca_file",
            "genesis_file", "genesis_certificate_file", "members"});
  Consortium c;
  c.chain_id = s.RequiredString("chain_id");
  if (!PrintableName(c.chain_id, 64) || c.chain_id.find(' ') != std::string::npos) {
    s.Fail("chain_id", "config.chain_id", "expected 1..64 printable ASCII characters, no spaces");
  }
  const std::string suite_name = s.String("suite").value_or(std::string(SuiteName(c.suite)));
  auto suite_id = ParseSuite(suite_name);
  if (!suite_id) {
    s.Fail("suite", "config.suite",
           "unknown crypto suite '" + suite_name + "'; expected ed25519-sha256 or sm2-sm3");
  }
  c.suite = *suite_id;
  c.province_code = s.String("province_code").value_or(c.province_code);
  if (!Digits(c.province_code, 2)) s.Fail("province_code", "config.range", "expected 2 digits");
  c.channel = s.String("channel").value_or(c.channel);
  if (!Digits(c.channel, 1)) s.Fail("channel", "config.range", "expected 1 digit");
  c.genesis_time_ms = s.RequiredUint("genesis_time_ms", 1, UINT64_C(1) << 53);

  const std::string ca_file = s.ExistingFile("ca_file");
  c.ca_pem = config_internal::ReadFile(path, "ca_file", ca_file);
  if (auto ca = transport::InspectCertificatePem(c.ca_pem); !ca.ok()) {
    s.Fail("ca_file", "config.certificate", ca_file + ": " + ca.status().message());
  }
  c.genesis_file = s.ExistingFile("genesis_file", "genesis.block");
  c.genesis_certificate_file = s.ExistingFile("genesis_certificate_file", "genesis.cert");

  auto suite = CryptoSuite::Create(c.suite);
  std::vector<Section> members = s.TableArray("members");
  if (members.empty()) s.Fail("members", "config.members", "at least one [[members]] entry");
  if (members.size() > kMaxMembers) {
    s.Fail("members", "config.members", "at most " + std::to_string(kMaxMembers) + " members");
  }
  std::set<std::string> names, markets, keys, tls_ids, p2ps, apis;
  bool tax_bureau = false;
  for (size_t i = 0; i < members.size(); ++i) {
    Section& m = members[i];
    MemberInfo info = ReadMember(m, i, *suite);
    if (!names.insert(info.name).second) m.Fail("name", "config.duplicate", "name already used");
    for (const auto& mk : info.markets) {
      if (!markets.insert(mk).second) {
        m.Fail("markets", "config.duplicate", "market '" + mk + "' is kept by another operator");
      }
    }
    if (!keys.insert(info.signing_key_pem).second) {
      m.Fail("signing_public_key", "config.duplicate", "key already used by another member");
    }
    if (!tls_ids.insert(info.tls_key_id).second) {
      m.Fail("tls_key_id", "config.duplicate", "key id already used by another member");
    }
    if (!p2ps.insert(info.p2p.ToString()).second) {
      m.Fail("p2p", "config.duplicate", "endpoint already used by another member");
    }
    if (!apis.insert(info.api.ToString()).second) {
      m.Fail("api", "config.duplicate", "endpoint already used by another member");
    }
    tax_bureau = tax_bureau || info.role == pb::TAX_BUREAU;
    c.members.push_back(std::move(info));
  }
  if (!tax_bureau)
    s.Fail("members", "config.members", "the consortium must include the tax bureau");
  s.Finish();
  return c;
}

void ReadConsensus(Section& s, ConsensusSettings& c) {
  s.Expect({"checkpoint_interval", "window", "max_block_batches", "max_block_bytes",
            "proposal_delay_ms", "max_unexecuted_blocks", "request_timeout_ms",
            "view_change_timeout_ms", "resend_interval_ms"});
  constexpr uint64_t kMinute = 60'000;
  c.checkpoint_interval =
      static_cast<uint32_t>(s.Uint("checkpoint_interval", 1, 1024).value_or(c.checkpoint_interval));
  c.window = static_cast<uint32_t>(s.Uint("window", 1, 65536).value_or(c.window));
  if (c.window < c.checkpoint_interval) {
    s.Fail("window", "config.range", "must be at least checkpoint_interval");
  }
  c.max_block_batches =
      static_cast<uint32_t>(s.Uint("max_block_batches", 1, 10000).value_or(c.max_block_batches));
  c.max_block_bytes = s.Uint("max_block_bytes", 4096, 256u << 20).value_or(c.max_block_bytes);
  c.proposal_delay_ms = s.Uint("proposal_delay_ms", 0, 10'000).value_or(c.proposal_delay_ms);
  c.max_unexecuted_blocks = static_cast<uint32_t>(
      s.Uint("max_unexecuted_blocks", 0, 65536).value_or(c.max_unexecuted_blocks));
  c.request_timeout_ms =
      s.Uint("request_timeout_ms", 10, 10 * kMinute).value_or(c.request_timeout_ms);
  c.view_change_timeout_ms =
      s.Uint("view_change_timeout_ms", 10, 10 * kMinute).value_or(c.view_change_timeout_ms);
  c.resend_interval_ms = s.Uint("resend_interval_ms", 1, kMinute).value_or(c.resend_interval_ms);
  if (c.proposal_delay_ms >= c.request_timeout_ms) {
    s.Fail("proposal_delay_ms", "config.range", "must be below request_timeout_ms");
  }
  s.Finish();
}

void ReadMempool(Section& s, MempoolSettings& m) {
  s.Expect({"max_pending_txs", "batch_max_txs", "batch_delay_ms"});
  m.max_pending_txs =
      static_cast<uint32_t>(s.Uint("max_pending_txs", 1, 100'000'000).value_or(m.max_pending_txs));
  m.batch_max_txs =
      static_cast<uint32_t>(s.Uint("batch_max_txs", 1, kMaxBatchTxs).value_or(m.batch_max_txs));
  m.batch_delay_ms = s.Uint("batch_delay_ms", 0, 10'000).value_or(m.batch_delay_ms);
  if (m.batch_max_txs > m.max_pending_txs) {
    s.Fail("batch_max_txs", "config.range", "must not exceed max_pending_txs");
  }
  s.Finish();
}

void ReadClock(Section& s, ClockSettings& c) {
  s.Expect({"origin_ms", "anchor_ms", "rate"});
  c.origin_ms = s.RequiredUint("origin_ms", 1, UINT64_MAX / 2);
  c.anchor_ms = s.RequiredUint("anchor_ms", 1, UINT64_MAX / 2);
  // At most 10^6 ledger ms per wall ms: a year of ledger time in ~32 s.
  c.rate = s.Uint("rate", 1, 1'000'000).value_or(c.rate);
  s.Finish();
}

Endpoint ReadListen(Section& s, std::string_view key, const Endpoint& fallback) {
  auto sub = s.Table(key);
  if (!sub) return fallback;
  sub->Expect({"listen"});
  Endpoint ep = sub->EndpointField("listen").value_or(fallback);
  sub->Finish();
  return ep;
}

NodeConfig ReadNodeConfig(const std::string& path) {
  const toml::table table = config_internal::ParseTomlFile(path);
  Section s(path, table, "");
  s.Expect({"member", "consortium_file", "data_dir", "log_dir", "log_level", "signing_key_file",
            "tls_cert_file", "tls_key_file", "crl_file", "p2p", "api", "verify_threads", "sync",
            "demo_payments", "clock", "consensus", "mempool"});
  NodeConfig n;
  n.member = static_cast<uint32_t>(s.RequiredUint("member", 0, kMaxMembers - 1));
  n.consortium_file = s.ExistingFile("consortium_file");
  auto loaded = LoadConsortium(n.consortium_file);
  if (!loaded.ok()) {
    throw ConfigError{Status::Error(loaded.status().code(), loaded.status().message())};
  }
  const Consortium& c = *loaded;
  if (n.member >= c.members.size()) {
    s.Fail("member", "config.member",
           "member " + std::to_string(n.member) + " is not in the consortium (" +
               std::to_string(c.members.size()) + " members, 0.." +
               std::to_string(c.members.size() - 1) + ")");
  }
  const MemberInfo& self = c.members[n.member];
  n.data_dir = s.Path("data_dir").value_or(config_internal::ResolvePath(path, "data"));
  n.log_dir = s.Path("log_dir").value_or(config_internal::ResolvePath(path, "logs"));
  n.log_level = s.String("log_level").value_or(n.log_level);
  static const std::set<std::string> kLevels{"trace", "debug",    "info", "warn",
                                             "error", "critical", "off"};
  if (!kLevels.contains(n.log_level)) {
    s.Fail("log_level", "config.range",
           "expected trace, debug, info, warn, error, critical or off; got '" + n.log_level + "'");
  }

  n.signing_key_file = s.ExistingFile("signing_key_file");
  CheckPrivateFile(s, "signing_key_file", n.signing_key_file);
  auto suite = CryptoSuite::Create(c.suite);
  auto signer =
      suite->LoadSigner(config_internal::ReadFile(path, "signing_key_file", n.signing_key_file));
  if (!signer.ok()) {
    s.Fail("signing_key_file", "config.key",
           n.signing_key_file + " is not a " + std::string(SuiteName(c.suite)) +
               " private key in PEM");
  }
  if (PublicKeyDer(self.signing_key_pem) != (*signer)->public_key_der()) {
    s.Fail("signing_key_file", "config.key",
           "the key does not match member " + std::to_string(n.member) +
               "'s signing_public_key in " + n.consortium_file);
  }

  n.tls_cert_file = s.ExistingFile("tls_cert_file");
  auto cert_id = transport::KeyIdOfCertificate(
      config_internal::ReadFile(path, "tls_cert_file", n.tls_cert_file));
  if (!cert_id.ok()) s.Fail("tls_cert_file", "config.certificate", cert_id.status().message());
  if (*cert_id != self.tls_key_id) {
    s.Fail("tls_cert_file", "config.key",
           "certificate key id " + *cert_id + " is not member " + std::to_string(n.member) +
               "'s tls_key_id in " + n.consortium_file);
  }
  n.tls_key_file = s.ExistingFile("tls_key_file");
  CheckPrivateFile(s, "tls_key_file", n.tls_key_file);
  auto key_id = PrivateKeyId(config_internal::ReadFile(path, "tls_key_file", n.tls_key_file));
  if (!key_id) s.Fail("tls_key_file", "config.key", "not a private key in PEM");
  if (*key_id != *cert_id) {
    s.Fail("tls_key_file", "config.key", "the key does not match tls_cert_file");
  }
  if (s.Has("crl_file")) {
    n.crl_file = s.ExistingFile("crl_file");
    auto crl = transport::LoadRevokedSerials(
        config_internal::ReadFile(path, "crl_file", n.crl_file), c.ca_pem);
    if (!crl.ok()) s.Fail("crl_file", "config.crl", crl.status().message());
  } else {
    s.String("crl_file");  // mark known
  }

  n.p2p_listen = ReadListen(s, "p2p", self.p2p);
  n.api_listen = ReadListen(s, "api", self.api);
  n.verify_threads =
      static_cast<uint32_t>(s.Uint("verify_threads", 1, 256).value_or(n.verify_threads));
  n.sync = s.Bool("sync").value_or(n.sync);
  n.demo_payments = s.Bool("demo_payments").value_or(n.demo_payments);
  if (auto clock = s.Table("clock")) ReadClock(*clock, n.clock);
  if (auto consensus = s.Table("consensus")) ReadConsensus(*consensus, n.consensus);
  if (auto mempool = s.Table("mempool")) ReadMempool(*mempool, n.mempool);
  s.Finish();
  return n;
}

}  // namespace

pb::Genesis Consortium::ToGenesis() const {
  pb::Genesis g;
  pb::ChainConfig* cfg = g.mutable_config();
  cfg->set_chain_id(chain_id);
  cfg->set_province_code(province_code);
  cfg->set_channel(channel);
  cfg->set_genesis_time_ms(genesis_time_ms);
  for (const MemberInfo& info : members) {
    pb::Member* m = g.add_members();
    m->set_index(info.index);
    m->set_name(info.name);
    m->set_role(info.role);
    for (const auto& mk : info.markets) m->add_markets(mk);
    m->set_public_key(PublicKeyDer(info.signing_key_pem).value_or(Bytes()));
  }
  // DOMAIN.md: rates in use 13, 9, 6, 5, 3, 1, 0 %; small-scale 3 %, and the reduced 1 %
  // only until 2027-12-31 (a timed rate, so it lapses by block time without a new rule).
  pb::TaxRules* rules = g.mutable_rules();
  for (int64_t r : {1300, 900, 600, 500, 300, 100, 0}) rules->add_allowed_rates_bp(r);
  rules->add_small_scale_rates_bp(300);
  pb::TimedRate* reduced = rules->add_small_scale_timed_rates();
  reduced->set_rate_bp(100);
  reduced->set_until_yyyymmdd("20271231");
  return g;
}

qr::TrustAnchors TrustAnchorsOf(const Consortium& c) {
  qr::TrustAnchors a{c.chain_id, c.suite, {}};
  for (const MemberInfo& m : c.members) {
    a.members.push_back({m.name, m.role == pb::MARKET_OPERATOR, m.signing_key_pem});
  }
  return a;
}

Result<Consortium> LoadConsortium(const std::string& path) {
  try {
    return ReadConsortium(path);
  } catch (const ConfigError& e) {
    return e.status;
  } catch (const std::exception& e) {
    return Status::Error("config.io", path + ": " + e.what());
  }
}

Result<NodeConfig> LoadNodeConfig(const std::string& path) {
  try {
    return ReadNodeConfig(path);
  } catch (const ConfigError& e) {
    return e.status;
  } catch (const std::exception& e) {
    return Status::Error("config.io", path + ": " + e.what());
  }
}

}  // namespace fapiao::node
