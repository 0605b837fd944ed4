// Chinese capital-word amounts (大写金额) for invoice totals, per DOMAIN.md:
// digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟 within groups of 万/亿, then 圆 角 分;
// 整 after 圆 or 角 but never after 分; one 零 for a run of internal zeros;
// negative amounts (red invoices) are prefixed （负数）. Pure; thread-safe.
#pragma once

#include <string>

#include "ledger/core/money.h"

namespace fapiao::contracts {

// UTF-8. Every int64 fen amount has a spelling (groups up to 亿亿).
std::string CapitalWords(Fen amount);

}  // namespace fapiao::contracts
