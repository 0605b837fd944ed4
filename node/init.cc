#include "node/init.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>

#include "contracts/kinds.h"
#include "ledger/core/batch.h"
#include "ledger/core/block.h"
#include "node/config_reader.h"
#include "node/transport/pki.h"

namespace fapiao::node {
namespace {
namespace fs = std::filesystem;

constexpr uint32_t kMaxMembers = 64;
constexpr uint64_t kCaSerial = 1;
uint64_t NodeSerial(uint32_t index) {
  return 2 + index;
}

Status Io(const std::string& what) {
  return Status::Error("init.io", what);
}

// Writes content to path with the given mode, replacing any file there.
Status WriteFile(const fs::path& path, std::string_view content, mode_t mode) {
  const std::string p = path.string();
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Io("cannot create " + p + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, mode) == 0;
  size_t done = 0;
  while (ok && done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  return ok ? Status::Ok() : Io("cannot write " + p + ": " + std::strerror(errno));
}

// Folders are private to the operator (mode 0700): they hold keys and the ledger.
Status MakeDir(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (!ec) fs::permissions(path, fs::perms::owner_all, ec);
  return ec ? Io("cannot create folder " + path.string() + ": " + ec.message()) : Status::Ok();
}

struct OutFile {
  fs::path path;
  std::string content;
  mode_t mode;
};

Result<Bytes> ReadBinary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  if (!in.is_open() || in.bad()) return Status::Error("genesis.io", "cannot read " + path);
  return out.str();
}

// A TOML basic string.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string_view RoleKey(pb::Role role) {
  switch (role) {
    case pb::MARKET_OPERATOR:
      return "market_operator";
    case pb::PAYMENT_PROVIDER:
      return "payment_provider";
    case pb::TAX_BUREAU:
      return "tax_bureau";
    case pb::REIMBURSING_ORG:
      return "reimbursing_org";
    default:
      return "unspecified";
  }
}

std::string MemberName(uint32_t index, pb::Role role) {
  std::string name(RoleKey(role));
  for (char& c : name) c = c == '_' ? '-' : c;
  return name + "-" + std::to_string(index);
}

bool ValidChainId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

Status CheckOptions(const InitOptions& o) {
  const auto bad = [](const std::string& m) { return Status::Error("init.options", m); };
  if (o.members < 1 || o.members > kMaxMembers) return bad("--members: expected 1..64");
  if (o.dir.empty()) return bad("--dir: required");
  if (!ValidChainId(o.chain_id)) return bad("chain id: 1..64 printable ASCII, no spaces");
  if (o.province_code.size() != 2 ||
      !std::isdigit(static_cast<unsigned char>(o.province_code[0])) ||
      !std::isdigit(static_cast<unsigned char>(o.province_code[1]))) {
    return bad("province code: expected 2 digits");
  }
  if (o.channel.size() != 1 || !std::isdigit(static_cast<unsigned char>(o.channel[0]))) {
    return bad("channel: expected 1 digit");
  }
  if (!config_internal::ParseEndpoint(o.host + ":1"))
    return bad("host: not a host name or address");
  const uint32_t n = o.members;
  for (uint16_t base : {o.p2p_base_port, o.api_base_port}) {
    if (base == 0 || uint32_t{base} + n - 1 > 65535) return bad("base port: ports out of 1..65535");
  }
  const uint32_t lo = std::min(o.p2p_base_port, o.api_base_port);
  const uint32_t hi = std::max(o.p2p_base_port, o.api_base_port);
  if (lo + n > hi) return bad("base ports: the p2p and api port ranges overlap");
  return Status::Ok();
}

// Existing paths init would write, for the refusal / --force.
std::vector<fs::path> ExistingConsortium(const fs::path& dir) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const char* name : {"consortium.toml", "genesis.block", "genesis.cert", "ca"}) {
    if (fs::exists(dir / name, ec)) found.push_back(dir / name);
  }
  static const std::regex kNode("node[0-9]+");
  if (fs::is_directory(dir, ec)) {
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (std::regex_match(e.path().filename().string(), kNode)) found.push_back(e.path());
    }
  }
  return found;
}

std::string ConsortiumToml(const Consortium& c) {
  std::ostringstream out;
  out << "# fapiao consortium: public, identical on every node (docs/operations.md).\n"
      << "# Written by fapiaod init; genesis.block and genesis.cert are derived from it.\n"
      << "chain_id = " << Quote(c.chain_id) << "\n"
      << "suite = " << Quote(SuiteName(c.suite)) << "\n"
      << "province_code = " << Quote(c.province_code) << "\n"
      << "channel = " << Quote(c.channel) << "\n"
      << "genesis_time_ms = " << c.genesis_time_ms << "\n"
      << "ca_file = \"ca/ca.pem\"\n"
      << "genesis_file = \"genesis.block\"\n"
      << "genesis_certificate_file = \"genesis.cert\"\n";
  for (const MemberInfo& m : c.members) {
    out << "\n[[members]]\n"
        << "index = " << m.index << "\n"
        << "name = " << Quote(m.name) << "\n"
        << "role = " << Quote(RoleKey(m.role)) << "\n";
    if (!m.markets.empty()) {
      out << "markets = [";
      for (size_t i = 0; i < m.markets.size(); ++i) out << (i ? ", " : "") << Quote(m.markets[i]);
      out << "]\n";
    }
    out << "p2p = " << Quote(m.p2p.ToString()) << "\n"
        << "api = " << Quote(m.api.ToString()) << "\n"
        << "tls_key_id = " << Quote(m.tls_key_id) << "\n"
        << "signing_public_key = '''\n"
        << m.signing_key_pem << "'''\n";
  }
  return out.str();
}

std::string NodeToml(const MemberInfo& m) {
  const NodeConfig d;
  std::ostringstream out;
  out << "# fapiao node " << m.index << " (" << m.name << "); keys in docs/operations.md.\n"
      << "# Relative paths are resolved against this file's folder.\n"
      << "member = " << m.index << "\n"
      << "consortium_file = \"../consortium.toml\"\n"
      << "data_dir = \"data\"\n"
      << "log_dir = \"logs\"\n"
      << "log_level = " << Quote(d.log_level) << "\n"
      << "signing_key_file = \"signing.key\"\n"
      << "tls_cert_file = \"tls.pem\"\n"
      << "tls_key_file = \"tls.key\"\n"
      << "crl_file = \"../ca/crl.pem\"\n"
      << "verify_threads = " << d.verify_threads << "\n"
      << "sync = " << (d.sync ? "true" : "false") << "\n"
      << "\n[p2p]\nlisten = " << Quote(m.p2p.ToString()) << "\n"
      << "\n[api]\nlisten = " << Quote(m.api.ToString()) << "\n"
      << "\n[consensus]\n"
      << "checkpoint_interval = " << d.consensus.checkpoint_interval << "\n"
      << "window = " << d.consensus.window << "\n"
      << "max_block_batches = " << d.consensus.max_block_batches << "\n"
      << "max_block_bytes = " << d.consensus.max_block_bytes << "\n"
      << "proposal_delay_ms = " << d.consensus.proposal_delay_ms << "\n"
      << "max_unexecuted_blocks = " << d.consensus.max_unexecuted_blocks << "\n"
      << "request_timeout_ms = " << d.consensus.request_timeout_ms << "\n"
      << "view_change_timeout_ms = " << d.consensus.view_change_timeout_ms << "\n"
      << "resend_interval_ms = " << d.consensus.resend_interval_ms << "\n"
      << "\n[mempool]\n"
      << "max_pending_txs = " << d.mempool.max_pending_txs << "\n"
      << "batch_max_txs = " << d.mempool.batch_max_txs << "\n"
      << "batch_delay_ms = " << d.mempool.batch_delay_ms << "\n";
  return out.str();
}

// The certified genesis block: member 0 signs one batch holding the genesis transaction;
// every member signs the commit statement.
std::pair<pb::Block, pb::CommitCertificate> MakeGenesis(
    const Consortium& c, const CryptoSuite& suite,
    const std::vector<std::unique_ptr<Signer>>& signers) {
  pb::Transaction tx;
  tx.set_chain_id(c.chain_id);
  tx.set_kind(static_cast<uint32_t>(contracts::TxKind::kGenesis));
  tx.set_payload(c.ToGenesis().SerializeAsString());
  tx.set_member(0);
  tx.set_sequence(0);  // member sequences used by nodes start at 1
  std::vector<Bytes> txs{tx.SerializeAsString()};
  pb::SignedBatch batch =
      MakeSignedBatch(suite.hasher(), *signers[0], c.chain_id, MemberId{0}, 0, std::move(txs));
  BlockFields fields;
  fields.chain_id = c.chain_id;
  fields.height = 0;
  fields.timestamp_ms = c.genesis_time_ms;
  fields.view = 0;
  fields.proposer = 0;
  fields.anchor_height = 0;
  std::vector<pb::SignedBatch> batches;
  batches.push_back(std::move(batch));
  pb::Block block = MakeBlock(suite.hasher(), fields, std::move(batches));
  const Hash id = BlockId(suite.hasher(), block.header());
  pb::CommitCertificate cert;
  cert.set_height(0);
  cert.set_view(0);
  cert.set_block_id(id.ToBytes());
  const Bytes statement = CommitStatement(c.chain_id, 0, 0, id);
  for (uint32_t i = 0; i < signers.size(); ++i) {
    pb::CommitVote* vote = cert.add_votes();
    vote->set_member(i);
    vote->set_signature(signers[i]->Sign(statement));
  }
  return {std::move(block), std::move(cert)};
}

}  // namespace

pb::Role DefaultRole(uint32_t index, uint32_t n) {
  if (n == 1) return pb::TAX_BUREAU;
  if (n == 2) return index == 0 ? pb::MARKET_OPERATOR : pb::TAX_BUREAU;
  static constexpr pb::Role kCycle[] = {pb::MARKET_OPERATOR, pb::PAYMENT_PROVIDER, pb::TAX_BUREAU,
                                        pb::REIMBURSING_ORG};
  return kCycle[index % 4];
}

std::vector<std::string> DefaultMarkets(uint32_t index) {
  if (index == 0) return {"puer-simao"};
  return {"market-" + std::to_string(index)};
}

Status InitConsortium(const InitOptions& o) {
  if (Status st = CheckOptions(o); !st.ok()) return st;
  const fs::path dir = fs::path(o.dir);
  if (auto existing = ExistingConsortium(dir); !existing.empty()) {
    if (!o.force) {
      return Status::Error("init.exists",
                           existing.front().string() + " exists: " + dir.string() +
                               " already holds a consortium (--force overwrites it)");
    }
    for (const auto& p : existing) {
      std::error_code ec;
      fs::remove_all(p, ec);
      if (ec) return Io("cannot remove " + p.string() + ": " + ec.message());
    }
  }
  const auto now = o.now.value_or(std::chrono::system_clock::now());
  const uint64_t now_ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  const transport::Validity validity = transport::ValidFor(o.cert_validity, now);

  auto ca = transport::GenerateCa(o.chain_id + " consortium CA", kCaSerial, validity);
  if (!ca.ok()) return ca.status();
  auto crl = transport::GenerateCrl(*ca, {}, now, validity.not_after);
  if (!crl.ok()) return crl.status();
  // Everything is generated first, then written; consortium.toml last, so a
  // folder without it holds no (half-written) consortium.
  std::vector<fs::path> folders{dir / "ca"};
  std::vector<OutFile> files{{dir / "ca" / "ca.pem", ca->cert_pem, 0644},
                             {dir / "ca" / "ca.key", ca->key_pem, 0600},
                             {dir / "ca" / "crl.pem", *crl, 0644}};

  auto suite = CryptoSuite::Create(o.suite);
  Consortium c;
  c.chain_id = o.chain_id;
  c.suite = o.suite;
  c.province_code = o.province_code;
  c.channel = o.channel;
  c.genesis_time_ms = o.genesis_time_ms.value_or(now_ms);
  c.ca_pem = ca->cert_pem;
  std::vector<std::unique_ptr<Signer>> signers;
  for (uint32_t i = 0; i < o.members; ++i) {
    MemberInfo m;
    m.index = i;
    m.role = DefaultRole(i, o.members);
    m.name = MemberName(i, m.role);
    if (m.role == pb::MARKET_OPERATOR) m.markets = DefaultMarkets(i);
    m.p2p = Endpoint{o.host, static_cast<uint16_t>(o.p2p_base_port + i)};
    m.api = Endpoint{o.host, static_cast<uint16_t>(o.api_base_port + i)};
    signers.push_back(suite->GenerateSigner());
    m.signing_key_pem = signers.back()->public_key_pem();
    transport::NodeCertRequest req;
    req.member_name = m.name;
    req.member_index = i;
    req.serial = NodeSerial(i);
    req.validity = validity;
    auto tls = transport::IssueNodeCertificate(*ca, req);
    if (!tls.ok()) return tls.status();
    auto key_id = transport::KeyIdOfCertificate(tls->cert_pem);
    if (!key_id.ok()) return key_id.status();
    m.tls_key_id = *key_id;

    const fs::path node = dir / ("node" + std::to_string(i));
    folders.insert(folders.end(), {node, node / "data", node / "logs"});
    files.push_back({node / "signing.key", signers.back()->private_key_pem(), 0600});
    files.push_back({node / "tls.pem", tls->cert_pem, 0644});
    files.push_back({node / "tls.key", tls->key_pem, 0600});
    files.push_back({node / "node.toml", NodeToml(m), 0644});
    c.members.push_back(std::move(m));
  }
  auto [block, cert] = MakeGenesis(c, *suite, signers);
  files.push_back({dir / "genesis.block", block.SerializeAsString(), 0644});
  files.push_back({dir / "genesis.cert", cert.SerializeAsString(), 0644});
  files.push_back({dir / "consortium.toml", ConsortiumToml(c), 0644});

  for (const fs::path& folder : folders) {
    if (Status st = MakeDir(folder); !st.ok()) return st;
  }
  for (const OutFile& f : files) {
    if (Status st = WriteFile(f.path, f.content, f.mode); !st.ok()) return st;
  }

  // Read everything back the way a node will.
  auto loaded = LoadConsortium((dir / "consortium.toml").string());
  if (!loaded.ok()) return loaded.status();
  if (auto g = LoadGenesis(*loaded); !g.ok()) return g.status();
  for (uint32_t i = 0; i < o.members; ++i) {
    auto node = LoadNodeConfig((dir / ("node" + std::to_string(i)) / "node.toml").string());
    if (!node.ok()) return node.status();
  }
  return Status::Ok();
}

Result<GenesisArtifacts> LoadGenesis(const Consortium& c) {
  const auto bad = [](const std::string& m) { return Status::Error("genesis.invalid", m); };
  auto block_bytes = ReadBinary(c.genesis_file);
  if (!block_bytes.ok()) return block_bytes.status();
  auto cert_bytes = ReadBinary(c.genesis_certificate_file);
  if (!cert_bytes.ok()) return cert_bytes.status();
  GenesisArtifacts g;
  if (!g.block.ParseFromString(*block_bytes)) return bad(c.genesis_file + " is not a block");
  if (!g.certificate.ParseFromString(*cert_bytes)) {
    return bad(c.genesis_certificate_file + " is not a commit certificate");
  }
  auto suite = CryptoSuite::Create(c.suite);
  for (const MemberInfo& m : c.members) {
    auto id = suite->verifier().AddKey(m.signing_key_pem);
    if (!id.ok()) return id.status();
    g.member_keys.push_back(*id);
  }
  auto header = CheckBlock(suite->hasher(), c.chain_id, g.block);
  if (!header.ok()) return header.status();
  if (header->height() != 0) return bad("the genesis block is not at height 0");
  if (header->timestamp_ms() != c.genesis_time_ms) {
    return bad("the genesis block time differs from genesis_time_ms");
  }
  if (g.block.batches_size() != 1) return bad("the genesis block must hold one batch");
  auto batch = VerifyBatch(suite->hasher(), suite->verifier(), g.member_keys, c.chain_id,
                           g.block.batches(0));
  if (!batch.ok()) return batch.status();
  if (batch->txs.size() != 1) return bad("the genesis batch must hold one transaction");
  const pb::Transaction& tx = batch->txs[0].tx;
  if (tx.kind() != static_cast<uint32_t>(contracts::TxKind::kGenesis)) {
    return bad("the genesis transaction has kind " + std::to_string(tx.kind()));
  }
  if (tx.payload() != c.ToGenesis().SerializeAsString()) {
    return bad(c.genesis_file + " does not match the consortium file (members, keys or settings)");
  }
  g.block_id = BlockId(suite->hasher(), g.block.header());
  if (Status st = VerifyCertificate(suite->verifier(), g.member_keys, c.chain_id, 0, g.block_id,
                                    g.certificate);
      !st.ok()) {
    return st;
  }
  g.transactions.push_back(tx);
  return g;
}

}  // namespace fapiao::node
