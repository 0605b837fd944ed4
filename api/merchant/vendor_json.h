// JSON <-> protobuf mapping of the vendor routes' bodies and records
// (docs/http.md "Merchant API (part 1)"), and the taxpayer id and tax
// treatment objects the invoice routes share. Pure functions; thread-safe.
#pragma once

#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "api/problem.h"
#include "proto/contracts.pb.h"

namespace fapiao::api::merchant {

// The body of POST /v1/vendors (all of VendorInfo) and of an update PATCH
// (every field optional; vendor_id and market may not change).
std::span<const FieldSpec> RegisterVendorSpec();
std::span<const FieldSpec> UpdateVendorSpec();

// Fills `info` from a checked body; enum names and defaults are checked here
// (request.invalid_field naming the field).
std::optional<Problem> FillVendorInfo(const nlohmann::json& body, pb::VendorInfo& info);

nlohmann::json VendorJson(const pb::Vendor& vendor);

// {"kind", "value"} and {"treatment", "rate_bp"?, "policy_code"?} objects.
std::span<const FieldSpec> TaxpayerIdSpec();
std::span<const FieldSpec> TreatmentSpec();
// Fill from an object already checked against the spec above; an unknown enum
// name is request.invalid_field at `ptr` + "/kind" or "/treatment".
std::optional<Problem> FillTaxpayerId(const nlohmann::json& value, const std::string& ptr,
                                      pb::TaxpayerId& out);
std::optional<Problem> FillTreatment(const nlohmann::json& value, const std::string& ptr,
                                     pb::TaxTreatment& out);
nlohmann::json TaxpayerIdJson(const pb::TaxpayerId& id);
nlohmann::json TreatmentJson(const pb::TaxTreatment& treatment);

}  // namespace fapiao::api::merchant
