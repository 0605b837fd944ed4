// Consortium transactions: genesis (members, roles, chain settings, first tax
// rules) and the tax bureau's rule settings, vendor quotas and flags.
#include <set>

#include "contracts/handlers.h"
#include "contracts/keys.h"
#include "contracts/treatment.h"

namespace fapiao::contracts {
namespace {

bool Digits(const std::string& s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

uint64_t NextCounter(TxState& st, const Bytes& key) {
  uint64_t seq = 0;
  if (auto raw = st.Get(Column::kState, key)) seq = ReadU64(*raw);
  ++seq;
  Bytes ctr;
  AppendU64(ctr, seq);
  st.Put(Column::kState, key, ctr);
  return seq;
}

}  // namespace

Status ApplyGenesis(TxState& st, const TxEnv& env) {
  if (st.ctx().height.value != 0) {
    return Reject(code::kGenesisNotAtZero, "genesis is applied at height 0 only");
  }
  pb::Genesis g;
  if (!ParsePayload(env, g)) return Reject(code::kBadPayload, "genesis payload does not parse");
  const auto bad = [](const std::string& m) { return Reject(code::kGenesisInvalid, m); };
  pb::ChainConfig cfg = g.config();
  if (cfg.chain_id().empty() || cfg.chain_id() != env.tx.chain_id()) {
    return bad("genesis chain id must be set and match the transaction");
  }
  if (!Digits(cfg.province_code(), 2)) return bad("province code must be 2 digits");
  if (!Digits(cfg.channel(), 1)) return bad("issuing channel must be 1 digit");
  if (g.members().empty()) return bad("genesis needs members");
  bool tax_bureau = false;
  for (int i = 0; i < g.members_size(); ++i) {
    const pb::Member& m = g.members(i);
    if (m.index() != static_cast<uint32_t>(i)) return bad("member indexes must be 0..n-1 in order");
    if (m.name().empty()) return bad("every member needs a name");
    if (m.role() < pb::MARKET_OPERATOR || m.role() > pb::REIMBURSING_ORG) {
      return bad("member " + std::to_string(i) + " has no valid role");
    }
    if (m.role() == pb::MARKET_OPERATOR && m.markets().empty()) {
      return bad("a market operator needs at least one market");
    }
    if (m.role() != pb::MARKET_OPERATOR && !m.markets().empty()) {
      return bad("only market operators keep markets");
    }
    tax_bureau = tax_bureau || m.role() == pb::TAX_BUREAU;
  }
  if (!tax_bureau) return bad("the consortium must include the tax bureau");
  std::set<std::string> markets;
  for (const auto& m : g.members()) {
    for (const auto& mk : m.markets()) {
      if (mk.empty() || !markets.insert(mk).second) {
        return bad("each market is kept by exactly one operator");
      }
    }
  }
  if (Status s = ValidateRules(g.rules()); !s.ok()) return s;
  cfg.set_genesis_time_ms(st.ctx().timestamp_ms);
  st.Store(Column::kState, keys::Config(), cfg);
  st.Store(Column::kState, keys::Rules(), g.rules());
  for (const auto& m : g.members()) st.Store(Column::kState, keys::Member(m.index()), m);
  st.Emit("genesis.applied", cfg.chain_id());
  return Status::Ok();
}

Status ApplySetTaxRules(TxState& st, const TxEnv& env) {
  if (Status s = RequireRole(env, pb::TAX_BUREAU); !s.ok()) return s;
  pb::SetTaxRules msg;
  if (!ParsePayload(env, msg)) return Reject(code::kBadPayload, "payload does not parse");
  if (Status s = ValidateRules(msg.rules()); !s.ok()) return s;
  st.Store(Column::kState, keys::Rules(), msg.rules());
  st.Emit("rules.set", "");
  return Status::Ok();
}

Status ApplySetVendorQuota(TxState& st, const TxEnv& env) {
  if (Status s = RequireRole(env, pb::TAX_BUREAU); !s.ok()) return s;
  pb::SetVendorQuota msg;
  if (!ParsePayload(env, msg)) return Reject(code::kBadPayload, "payload does not parse");
  if (msg.monthly_quota_fen() < -1) {
    return Reject(code::kRulesInvalid, "quota is >= 0 fen, 0 for the default, -1 for none");
  }
  pb::Vendor v;
  if (!st.Load(Column::kState, keys::Vendor(msg.vendor_id()), v)) {
    return Reject(code::kVendorUnknown, "vendor '" + msg.vendor_id() + "' is not registered");
  }
  v.set_monthly_quota_fen(msg.monthly_quota_fen());
  st.Store(Column::kState, keys::Vendor(msg.vendor_id()), v);
  st.Emit("vendor.quota_set", msg.vendor_id());
  return Status::Ok();
}

Status ApplyRaiseFlag(TxState& st, const TxEnv& env) {
  if (Status s = RequireRole(env, pb::TAX_BUREAU); !s.ok()) return s;
  pb::RaiseFlag msg;
  if (!ParsePayload(env, msg)) return Reject(code::kBadPayload, "payload does not parse");
  if (msg.subject().empty() || msg.subject().size() > 128 || msg.code().empty() ||
      msg.code().size() > 64 || msg.note().size() > 1024) {
    return Reject(code::kFlagInvalid, "a flag needs a subject (<=128) and a code (<=64)");
  }
  const uint64_t seq = NextCounter(st, keys::FlagCounter());
  pb::Flag f;
  f.set_subject(msg.subject());
  f.set_code(msg.code());
  f.set_note(msg.note());
  f.set_raised_by(env.member->index());
  f.set_raised_at_ms(st.ctx().timestamp_ms);
  f.set_height(st.ctx().height.value);
  st.Store(Column::kState, keys::Flag(seq), f);
  st.Emit("flag.raised", msg.subject());
  return Status::Ok();
}

Status ApplyRecordOfficerQuery(TxState& st, const TxEnv& env) {
  if (Status s = RequireRole(env, pb::TAX_BUREAU); !s.ok()) return s;
  pb::RecordOfficerQuery msg;
  if (!ParsePayload(env, msg)) return Reject(code::kBadPayload, "payload does not parse");
  if (msg.officer().empty() || msg.officer().size() > 64 || msg.query().empty() ||
      msg.query().size() > 2048) {
    return Reject(code::kQueryInvalid, "a recorded query needs an officer (<=64) and a query");
  }
  const uint64_t seq = NextCounter(st, keys::OfficerQueryCounter());
  pb::OfficerQuery q;
  *q.mutable_query() = msg;
  q.set_member(env.member->index());
  q.set_at_ms(st.ctx().timestamp_ms);
  q.set_height(st.ctx().height.value);
  st.Store(Column::kState, keys::OfficerQuery(seq), q);
  st.Emit("query.recorded", std::to_string(seq));
  return Status::Ok();
}

}  // namespace fapiao::contracts
