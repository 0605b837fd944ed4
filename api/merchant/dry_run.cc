#include "api/merchant/dry_run.h"

#include "contracts/contract.h"

namespace fapiao::api::merchant {

Status DryRun(const MerchantContext& ctx, contracts::TxKind kind,
              const google::protobuf::MessageLite& payload) {
  pb::Transaction tx;
  tx.set_chain_id(ctx.identity.chain_id);
  tx.set_kind(static_cast<uint32_t>(kind));
  tx.set_payload(payload.SerializeAsString());
  tx.set_member(ctx.identity.member);
  const contracts::BlockContext block{Height{ctx.state->height() + 1}, 0, ctx.identity.hasher};
  auto outcome = contracts::Apply(ctx.state->view(), tx, block);
  return outcome.ok() ? Status::Ok() : outcome.status();
}

bool TimeDependent(const std::string& code) {
  return code == "redletter.form_pending" || code == "redletter.lapsed";
}

}  // namespace fapiao::api::merchant
