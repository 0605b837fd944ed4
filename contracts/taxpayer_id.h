// Taxpayer id validation (DOMAIN.md "Identifiers"): shape per kind, and the
// check character of a USCC (GB 32100-2015) or resident id (ISO 7064 MOD 11-2).
// A bad shape is a hard error; a failing check character is kCheckFailed, which
// callers accept only with a recorded override reason. Pure; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "proto/contracts.pb.h"

namespace fapiao::contracts {

enum class IdCheck { kOk, kBadFormat, kCheckFailed };

// The USCC check character for the first 17 characters; nullopt if one of them
// is outside the alphabet 0123456789ABCDEFGHJKLMNPQRTUWXY.
std::optional<char> UsccCheckChar(std::string_view first17);
IdCheck CheckUscc(std::string_view value);
IdCheck CheckResidentId(std::string_view value);
IdCheck CheckTaxpayerId(const pb::TaxpayerId& id);

}  // namespace fapiao::contracts
