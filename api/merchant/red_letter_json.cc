#include "api/merchant/red_letter_json.h"

#include <array>
#include <limits>
#include <set>
#include <vector>

#include "api/merchant/common.h"
#include "ledger/core/bytes.h"

namespace fapiao::api::merchant {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 4> kReasons = {"invoicing_error", "return",
                                                      "service_stopped", "allowance"};
constexpr int kMaxLines = 200;  // an invoice has at most 200 lines

const std::vector<FieldSpec> kBuyer = {
    {"auth_secret", JsonType::kString, true, {}},
    {"next_auth_hash", JsonType::kString, false, {}},
};
const std::vector<FieldSpec> kLine = {
    {"line", JsonType::kInteger, true, {}},
    {"amount_fen", JsonType::kAny, true, {}},
};
const std::vector<FieldSpec> kOpen = {
    {"invoice_number", JsonType::kString, true, {}}, {"reason", JsonType::kAny, true, {}},
    {"full", JsonType::kBoolean, false, {}},         {"lines", JsonType::kArray, false, {}},
    {"buyer", JsonType::kObject, false, kBuyer},
};
const std::vector<FieldSpec> kAction = {
    {"buyer", JsonType::kObject, false, kBuyer},
};

Problem Invalid(const std::string& field, const std::string& why) {
  return MakeProblem(422, "request.invalid_field", field.substr(1) + " " + why, field);
}

std::optional<Bytes> Hex32(const json& v) {
  auto b = FromHex(v.get<std::string>());
  if (!b || b->size() != 32) return std::nullopt;
  return b;
}

ProblemOr<BuyerProof> ParseBuyer(const json& b) {
  BuyerProof out;
  auto secret = Hex32(b["auth_secret"]);
  if (!secret) return Invalid("/buyer/auth_secret", "must be 64 hex digits");
  out.secret = std::move(*secret);
  if (b.contains("next_auth_hash")) {
    auto next = Hex32(b["next_auth_hash"]);
    if (!next) return Invalid("/buyer/next_auth_hash", "must be 64 hex digits");
    out.next_auth_hash = std::move(*next);
  }
  return out;
}

ProblemOr<uint32_t> ParseReason(const json& v) {
  if (v.is_number_unsigned() && v.get<uint64_t>() >= 1 && v.get<uint64_t>() <= 4) {
    return v.get<uint32_t>();
  }
  if (v.is_string()) {
    for (size_t i = 0; i < kReasons.size(); ++i) {
      if (v.get<std::string>() == kReasons[i]) return static_cast<uint32_t>(i + 1);
    }
  }
  if (!v.is_string() && !v.is_number()) {
    return MakeProblem(400, "request.wrong_type", "reason must be an integer or a name", "/reason");
  }
  return Invalid("/reason", "must be 1-4 or invoicing_error, return, service_stopped, allowance");
}

std::optional<Problem> FillLines(const json& list, pb::OpenRedLetterForm& open) {
  if (list.empty() || list.size() > kMaxLines) return Invalid("/lines", "must hold 1-200 entries");
  std::set<uint64_t> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string ptr = "/lines/" + std::to_string(i);
    if (auto p = CheckJsonObject(list[i], kLine, ptr)) return p;
    const json& idx = list[i]["line"];
    if (!idx.is_number_unsigned() || idx.get<uint64_t>() >= kMaxLines) {
      return Invalid(ptr + "/line", "must be a line index 0-199 of the blue invoice");
    }
    if (!seen.insert(idx.get<uint64_t>()).second) {
      return Invalid(ptr + "/line", "names a line already listed");
    }
    auto fen = ParseAmountFen(list[i]["amount_fen"], ptr + "/amount_fen");
    if (!fen) return fen.problem();
    auto* rl = open.add_lines();
    rl->set_line(idx.get<uint32_t>());
    rl->set_amount_fen(fen.value());
  }
  return std::nullopt;
}

std::string_view PartyName(pb::Party p) {
  return p == pb::SELLER ? "seller" : p == pb::BUYER ? "buyer" : "unspecified";
}

std::string_view StatusName(pb::FormStatus s) {
  switch (s) {
    case pb::PENDING:
      return "pending";
    case pb::CONFIRMED:
      return "confirmed";
    case pb::REJECTED:
      return "rejected";
    case pb::WITHDRAWN:
      return "withdrawn";
    case pb::LAPSED:
      return "lapsed";
    default:
      return "unspecified";
  }
}

}  // namespace

std::span<const FieldSpec> OpenFormSpec() {
  return kOpen;
}

std::span<const FieldSpec> FormActionSpec() {
  return kAction;
}

std::string_view ReasonName(uint32_t reason) {
  return reason >= 1 && reason <= kReasons.size() ? kReasons[reason - 1] : "unknown";
}

ProblemOr<OpenFormInput> ParseOpenForm(const json& body) {
  OpenFormInput in;
  const auto& number = body["invoice_number"].get_ref<const std::string&>();
  if (number.size() != 20 || number.find_first_not_of("0123456789") != std::string::npos) {
    return Invalid("/invoice_number", "must be 20 digits");
  }
  in.open.set_blue_number(number);
  auto reason = ParseReason(body["reason"]);
  if (!reason) return reason.problem();
  in.open.set_reason(reason.value());
  in.open.set_full(body.value("full", false));
  if (in.open.full()) {
    if (body.contains("lines")) return Invalid("/lines", "are not given with full: true");
  } else {
    if (!body.contains("lines")) {
      return MakeProblem(400, "request.missing_field", "a partial form needs lines", "/lines");
    }
    if (auto p = FillLines(body["lines"], in.open)) return *p;
  }
  if (body.contains("buyer")) {
    auto b = ParseBuyer(body["buyer"]);
    if (!b) return b.problem();
    in.buyer = std::move(b.value());
  }
  return in;
}

ProblemOr<std::optional<BuyerProof>> ParseFormAction(const json& body) {
  if (!body.contains("buyer")) return std::optional<BuyerProof>();
  auto b = ParseBuyer(body["buyer"]);
  if (!b) return b.problem();
  return std::optional<BuyerProof>(std::move(b.value()));
}

json FormJson(const pb::RedLetterForm& f) {
  json lines = json::array();
  for (const auto& l : f.open().lines()) {
    lines.push_back({{"line", l.line()}, {"amount_fen", l.amount_fen()}});
  }
  json out{{"form_id", f.form_id()},
           {"invoice_number", f.open().blue_number()},
           {"opener", PartyName(f.open().opener())},
           {"reason", f.open().reason()},
           {"reason_name", ReasonName(f.open().reason())},
           {"full", f.open().full()},
           {"lines", lines},
           {"status", StatusName(f.status())},
           {"needs_confirmation", f.needs_confirmation()},
           {"confirmer", PartyName(f.confirmer())},
           {"opened_at_ms", f.opened_at_ms()},
           {"deadline_ms", f.deadline_ms()}};
  if (!f.red_number().empty()) out["red_number"] = f.red_number();
  if (f.closed_at_ms() != 0) out["closed_at_ms"] = f.closed_at_ms();
  return out;
}

}  // namespace fapiao::api::merchant
