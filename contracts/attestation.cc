// Payment attestation by a payment provider, idempotent on (provider,
// reference): the same attestation again is accepted without writes and
// names the original; a different one under the same reference is rejected.
// Also the buyer's invoice request, proven by the payment's claim token.
#include "contracts/calendar.h"
#include "contracts/decimal.h"
#include "contracts/handlers.h"
#include "contracts/keys.h"
#include "contracts/taxpayer_id.h"

namespace fapiao::contracts {
namespace {

constexpr uint64_t kFutureSkewMs = 5 * 60 * 1000;

Status ValidateAttestation(const pb::AttestPayment& p, uint64_t block_ms) {
  const auto bad = [](const std::string& m) { return Reject(code::kPaymentInvalid, m); };
  if (p.amount_fen() <= 0) return bad("amount must be positive fen");
  if (p.reference().empty() || p.reference().size() > 64) return bad("reference 1-64 bytes");
  if (p.claim_token_hash().size() != Hash::kSize) return bad("claim token hash must be 32 bytes");
  if (p.paid_at_ms() == 0) return bad("paid-at time missing");
  if (p.paid_at_ms() > block_ms + kFutureSkewMs) {
    return Reject(code::kPaidInFuture, "paid-at is after the block time");
  }
  if (p.items_size() > 100) return bad("at most 100 items");
  int64_t sum = 0;
  for (const auto& it : p.items()) {
    if (it.name().empty() || it.amount_fen() <= 0) return bad("each item needs a name and amount");
    if (!it.quantity().empty() && !ParseDecimal(it.quantity())) return bad("bad item quantity");
    if (!it.unit_price().empty() && !ParseDecimal(it.unit_price())) return bad("bad unit price");
    if (__builtin_add_overflow(sum, it.amount_fen(), &sum)) return bad("item amounts overflow");
  }
  if (p.items_size() > 0 && sum != p.amount_fen()) return bad("items must sum to the amount");
  return Status::Ok();
}

}  // namespace

Status ApplyAttestPayment(TxState& st, const TxEnv& env) {
  if (Status s = RequireRole(env, pb::PAYMENT_PROVIDER); !s.ok()) return s;
  pb::AttestPayment msg;
  if (!ParsePayload(env, msg)) return Reject(code::kBadPayload, "payload does not parse");
  if (Status s = ValidateAttestation(msg, st.ctx().timestamp_ms); !s.ok()) return s;
  const uint32_t provider = env.member->index();
  const Bytes key = keys::Payment(provider, msg.reference());
  const std::string subject = std::to_string(provider) + ":" + msg.reference();
  pb::Payment existing;
  if (st.Load(Column::kState, key, existing)) {
    if (existing.attested().SerializeAsString() == msg.SerializeAsString()) {
      st.Emit("payment.duplicate", subject);  // idempotent: the original stands
      return Status::Ok();
    }
    return Reject(code::kPaymentConflict,
                  "reference '" + msg.reference() + "' is attested with different content");
  }
  if (!st.Get(Column::kState, keys::Vendor(msg.vendor_id()))) {
    return Reject(code::kVendorUnknown, "vendor '" + msg.vendor_id() + "' is not registered");
  }
  pb::Payment p;
  *p.mutable_attested() = msg;
  p.set_provider(provider);
  p.set_attested_at_ms(st.ctx().timestamp_ms);
  p.set_height(st.ctx().height.value);
  st.Store(Column::kState, key, p);
  // Index: payments by the China-time day they were paid (uninvoiced-payment reports).
  st.Put(Column::kIndex,
         keys::PaymentDay(Yyyymmdd(ChinaDate(msg.paid_at_ms())), msg.paid_at_ms(), provider,
                          msg.reference()),
         "");
  st.Emit("payment.attested", subject);
  return Status::Ok();
}

Status ApplyRequestInvoice(TxState& st, const TxEnv& env) {
  pb::RequestInvoice msg;
  if (!ParsePayload(env, msg)) return Reject(code::kBadPayload, "payload does not parse");
  const auto& pk = msg.payment();
  const Bytes pkey = keys::Payment(pk.provider(), pk.reference());
  pb::Payment p;
  if (!st.Load(Column::kState, pkey, p)) {
    return Reject(code::kPaymentUnknown, "payment " + std::to_string(pk.provider()) + ":" +
                                             pk.reference() + " is not attested");
  }
  if (p.requested()) {
    return Reject(code::kAlreadyRequested, "the claim token of this payment is already used");
  }
  Bytes pre = Bytes("fapiao/claim/v1") + '\0' + msg.claim_token();
  if (msg.claim_token().empty() || st.Digest(pre).ToBytes() != p.attested().claim_token_hash()) {
    return Reject(code::kClaimMismatch, "the claim token does not match the payment");
  }
  const auto bad = [](const std::string& m) { return Reject(code::kTitleInvalid, m); };
  if (msg.buyer_hash().size() != Hash::kSize) return bad("buyer hash must be 32 bytes");
  if (msg.buyer_auth_hash().size() != Hash::kSize) return bad("buyer auth hash must be 32 bytes");
  const pb::BuyerTitle& t = msg.title();
  bool check_failed = false;
  if (t.type() == pb::INDIVIDUAL) {
    // Personal data only as a salted commitment: no clear-text field may be set.
    if (t.name_commitment().size() != Hash::kSize) return bad("name commitment must be 32 bytes");
    if (!t.org_name().empty() || t.has_org_taxpayer_id()) {
      return bad("an individual's title carries only the name commitment");
    }
  } else if (t.type() == pb::ORGANISATION) {
    if (t.org_name().empty() || t.org_name().size() > 200) return bad("organisation name 1-200");
    if (t.org_taxpayer_id().kind() == pb::RESIDENT_ID) {
      return bad("an organisation is identified by a taxpayer id, not a personal id");
    }
    switch (CheckTaxpayerId(t.org_taxpayer_id())) {
      case IdCheck::kOk:
        break;
      case IdCheck::kBadFormat:
        return Reject(code::kTaxpayerIdFormat, "organisation taxpayer id has a bad shape");
      case IdCheck::kCheckFailed:
        if (msg.check_override_reason().empty()) {
          return Reject(code::kTaxpayerIdCheck,
                        "organisation taxpayer id fails its check character");
        }
        check_failed = true;
        break;
    }
    if (!t.name_commitment().empty() && t.name_commitment().size() != Hash::kSize) {
      return bad("name commitment must be 32 bytes");
    }
  } else {
    return bad("title must be individual or organisation");
  }
  pb::InvoiceRequest req;
  *req.mutable_request() = msg;
  req.mutable_request()->clear_claim_token();
  if (!check_failed) req.mutable_request()->clear_check_override_reason();
  req.set_requested_at_ms(st.ctx().timestamp_ms);
  st.Store(Column::kState, keys::Request(pk.provider(), pk.reference()), req);
  p.set_requested(true);
  st.Store(Column::kState, pkey, p);
  st.Put(Column::kState, keys::BuyerAuth(msg.buyer_hash()), msg.buyer_auth_hash());
  st.Emit("invoice.requested", std::to_string(pk.provider()) + ":" + pk.reference());
  return Status::Ok();
}

}  // namespace fapiao::contracts
