// JSON <-> protobuf mapping of the vendor routes' bodies and records
// (docs/http.md "Merchant API (part 1)"). Pure functions; thread-safe.
#pragma once

#include <span>

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

}  // namespace fapiao::api::merchant
