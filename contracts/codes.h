// Stable rejection codes of the contracts. A code, once released, keeps its
// meaning forever: receipts store it and every node must agree on it.
// Each code is listed with its sentence in docs/contracts.md.
#pragma once

namespace fapiao::contracts::code {

// envelope and consortium
inline constexpr const char* kBadPayload = "tx.bad_payload";
inline constexpr const char* kUnknownKind = "tx.unknown_kind";
inline constexpr const char* kDuplicate = "tx.duplicate";
inline constexpr const char* kIdempotentRepeat = "tx.idempotent_repeat";
inline constexpr const char* kIdempotencyKeyReused = "tx.idempotency_key_reused";
inline constexpr const char* kBadIdempotencyKey = "tx.bad_idempotency_key";
inline constexpr const char* kWrongChain = "tx.wrong_chain";
inline constexpr const char* kNoGenesis = "tx.no_genesis";
inline constexpr const char* kUnknownMember = "tx.unknown_member";
inline constexpr const char* kForbidden = "tx.forbidden_role";
inline constexpr const char* kGenesisExists = "genesis.exists";
inline constexpr const char* kGenesisNotAtZero = "genesis.not_at_height_zero";
inline constexpr const char* kGenesisInvalid = "genesis.invalid";
inline constexpr const char* kRulesInvalid = "rules.invalid";
inline constexpr const char* kFlagInvalid = "flag.invalid";
inline constexpr const char* kQueryInvalid = "query.invalid";
// roster
inline constexpr const char* kVendorInvalid = "vendor.invalid";
inline constexpr const char* kVendorExists = "vendor.exists";
inline constexpr const char* kVendorUnknown = "vendor.unknown";
inline constexpr const char* kNotOwnMarket = "vendor.not_own_market";
inline constexpr const char* kTaxpayerIdFormat = "taxpayer_id.bad_format";
inline constexpr const char* kTaxpayerIdCheck = "taxpayer_id.check_failed";
// payments and requests
inline constexpr const char* kPaymentInvalid = "payment.invalid";
inline constexpr const char* kPaymentConflict = "payment.conflicting_reference";
inline constexpr const char* kPaymentUnknown = "payment.unknown";
inline constexpr const char* kPaidInFuture = "payment.paid_in_future";
inline constexpr const char* kClaimMismatch = "request.claim_mismatch";
inline constexpr const char* kAlreadyRequested = "request.already_requested";
inline constexpr const char* kTitleInvalid = "request.title_invalid";
// issuance
inline constexpr const char* kInvoiceInvalid = "invoice.invalid";
inline constexpr const char* kVendorSuspended = "invoice.vendor_suspended";
inline constexpr const char* kNotRequested = "invoice.not_requested";
inline constexpr const char* kBuyerMismatch = "invoice.buyer_mismatch";
inline constexpr const char* kPaymentVendor = "invoice.payment_vendor_mismatch";
inline constexpr const char* kOverPayment = "invoice.exceeds_payment";
inline constexpr const char* kTooManyInvoices = "invoice.too_many_for_payment";
inline constexpr const char* kTotalMismatch = "invoice.total_mismatch";
inline constexpr const char* kBadTreatment = "invoice.bad_treatment";
inline constexpr const char* kRateNotAllowed = "invoice.rate_not_allowed";
inline constexpr const char* kBadDecimal = "invoice.bad_decimal";
inline constexpr const char* kPriceMismatch = "invoice.price_mismatch";
inline constexpr const char* kQuotaExceeded = "invoice.quota_exceeded";
inline constexpr const char* kOverflow = "invoice.overflow";
inline constexpr const char* kNumbersExhausted = "invoice.numbers_exhausted";
inline constexpr const char* kInvoiceUnknown = "invoice.unknown";
// reimbursement
inline constexpr const char* kMarkInvalid = "mark.invalid";
inline constexpr const char* kMarkTransition = "mark.bad_transition";
inline constexpr const char* kMarkNotOwner = "mark.not_locking_org";
inline constexpr const char* kMarkNotBlue = "mark.not_blue";
inline constexpr const char* kMarkReversed = "mark.fully_reversed";
// red-letter
inline constexpr const char* kFormInvalid = "redletter.invalid";
inline constexpr const char* kFormNotBlue = "redletter.not_blue";
inline constexpr const char* kFormPending = "redletter.form_pending";
inline constexpr const char* kFormLocked = "redletter.invoice_locked";
inline constexpr const char* kFormReimbursed = "redletter.invoice_reimbursed";
inline constexpr const char* kRedExceedsBlue = "redletter.exceeds_blue";
inline constexpr const char* kFormUnknown = "redletter.unknown_form";
inline constexpr const char* kFormNotPending = "redletter.not_pending";
inline constexpr const char* kFormLapsed = "redletter.lapsed";
inline constexpr const char* kFormWrongParty = "redletter.wrong_party";
inline constexpr const char* kBuyerAuth = "buyer.auth_failed";

}  // namespace fapiao::contracts::code
