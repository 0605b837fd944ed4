// Reimbursement mark routes (docs/http.md "Merchant API (part 3)"):
// POST /v1/reimbursements locks, unlocks or closes one invoice or a batch of
// 1-500 (all-or-nothing), GET /v1/reimbursements/{number} reads an invoice's
// mark. A reimbursing organisation's key has its member index as scope — the
// ledger's mark_org, compared the same way by invoice reads — and its marks are
// sent by that member's node (421 elsewhere). A batch is dry-run against
// committed state first, so a bad mark is named (/marks/i/...) and nothing is sent.
#include <charconv>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/merchant/common.h"
#include "api/merchant/dry_run.h"
#include "api/merchant/idempotency.h"
#include "api/merchant/invoice_access.h"
#include "api/merchant/merchant_api.h"
#include "contracts/keys.h"
#include "contracts/kinds.h"

namespace fapiao::api::merchant {
namespace {

using auth::Action;
using nlohmann::json;

constexpr int kMaxMarks = 500;

const std::vector<FieldSpec> kMark = {
    {"invoice_number", JsonType::kString, true, {}},
    {"action", JsonType::kString, true, {}},
};
const std::vector<FieldSpec> kBody = {
    {"action", JsonType::kString, false, {}},
    {"invoice_number", JsonType::kString, false, {}},
    {"marks", JsonType::kArray, false, {}},
};

Problem Invalid(const std::string& field, const std::string& why) {
  return MakeProblem(422, "request.invalid_field", field.substr(1) + " " + why, field);
}

std::string_view MarkName(pb::MarkStatus m) {
  return m == pb::MARK_LOCKED ? "locked" : m == pb::MARK_CLOSED ? "closed" : "init";
}

Action ActionOf(pb::MarkAction a) {
  return a == pb::LOCK     ? Action::kLockReimbursement
         : a == pb::UNLOCK ? Action::kUnlockReimbursement
                           : Action::kCloseReimbursement;
}

// One mark of the body at `ptr` ("" for the single form, "/marks/3" in a batch).
std::optional<Problem> FillMark(const json& m, const std::string& ptr, pb::Mark& out) {
  const auto& number = m["invoice_number"].get_ref<const std::string&>();
  if (number.size() != 20 || number.find_first_not_of("0123456789") != std::string::npos) {
    return Invalid(ptr + "/invoice_number", "must be 20 digits");
  }
  const auto& action = m["action"].get_ref<const std::string&>();
  if (action == "lock") {
    out.set_action(pb::LOCK);
  } else if (action == "unlock") {
    out.set_action(pb::UNLOCK);
  } else if (action == "close") {
    out.set_action(pb::CLOSE);
  } else {
    return Invalid(ptr + "/action", "must be lock, unlock or close");
  }
  out.set_invoice_number(number);
  return std::nullopt;
}

// The marks of `{"action", "invoice_number"}` or `{"marks": [...]}`; `batch` tells which.
ProblemOr<pb::ReimbursementMarks> ParseMarks(const json& body, bool& batch) {
  pb::ReimbursementMarks msg;
  batch = body.contains("marks");
  if (batch) {
    for (const char* single : {"action", "invoice_number"}) {
      if (body.contains(single)) {
        return Invalid(std::string("/") + single, "is not given with marks");
      }
    }
    const json& list = body["marks"];
    if (list.empty() || list.size() > kMaxMarks) return Invalid("/marks", "must hold 1-500 marks");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string ptr = "/marks/" + std::to_string(i);
      if (auto p = CheckJsonObject(list[i], kMark, ptr)) return *p;
      if (auto p = FillMark(list[i], ptr, *msg.add_marks())) return *p;
    }
    return msg;
  }
  for (const char* single : {"action", "invoice_number"}) {
    if (!body.contains(single)) {
      return MakeProblem(400, "request.missing_field",
                         std::string(single) + " is required (or send marks)",
                         std::string("/") + single);
    }
  }
  if (auto p = FillMark(body, "", *msg.add_marks())) return *p;
  return msg;
}

std::vector<pb::Member> Members(const StateView& view) {
  std::vector<pb::Member> out;
  for (uint32_t i = 0;; ++i) {
    pb::Member m;
    if (!LoadRecord(view, contracts::keys::Member(i), m)) return out;
    out.push_back(std::move(m));
  }
}

// Marks are sent by the node of the key's organisation (its member index).
std::optional<Response> OrgNode(const MerchantContext& ctx, const auth::Principal& key) {
  const std::vector<pb::Member> members = Members(ctx.state->view());
  const auto is_org = [&](uint32_t i) {
    return i < members.size() && members[i].role() == pb::REIMBURSING_ORG;
  };
  std::optional<uint32_t> scoped;
  uint32_t index = 0;
  const auto [end, ec] =
      std::from_chars(key.scope.data(), key.scope.data() + key.scope.size(), index);
  if (ec == std::errc() && end == key.scope.data() + key.scope.size() &&
      std::to_string(index) == key.scope && is_org(index)) {
    scoped = index;
  }
  const bool here_is_org = ctx.identity.role == pb::REIMBURSING_ORG;
  if (here_is_org && scoped == ctx.identity.member) return std::nullopt;
  std::optional<uint32_t> use = scoped;
  if (!use && !here_is_org) {
    for (uint32_t i = 0; i < members.size() && !use; ++i) {
      if (is_org(i)) use = i;
    }
  }
  if (!use) {
    return AuthProblem(Status::Error("auth.forbidden",
                                     "the key's organisation '" + key.scope +
                                         "' is not this node's reimbursing organisation (member " +
                                         std::to_string(ctx.identity.member) + ")"));
  }
  return ProblemResponse(MakeProblem(
      421, "reimbursement.wrong_node",
      "reimbursement marks are sent by the reimbursing organisation's node: send this request "
      "to member " +
          std::to_string(*use) + " (" + members[*use].name() + ")"));
}

// The failing mark's field from the contract's "mark <i>: ..." message.
std::string MarkField(const Status& s, bool batch) {
  const std::string& msg = s.message();
  if (!msg.starts_with("mark ")) return batch ? "/marks" : std::string();
  size_t index = 0;
  const auto [end, ec] = std::from_chars(msg.data() + 5, msg.data() + msg.size(), index);
  if (ec != std::errc()) return batch ? "/marks" : std::string();
  const std::string leaf =
      s.code() == "invoice.unknown" || s.code() == "mark.not_blue" ? "/invoice_number" : "/action";
  return batch ? "/marks/" + std::to_string(index) + leaf : leaf;
}

// {marks: [{invoice_number, mark}], height, tx_id}: each mark's invoice as it is now.
void Answer(const MerchantContext& ctx, const std::vector<std::string>& numbers,
            const Responder& respond, Result<SubmitOutcome> r) {
  if (!r.ok()) return respond(SubmitProblem(r.status()));
  if (!r->accepted) return respond(ContractProblem(r->code));
  json out = json::array();
  for (const auto& n : numbers) {
    pb::Invoice inv;
    LoadRecord(ctx.state->view(), contracts::keys::Invoice(n), inv);
    out.push_back({{"invoice_number", n}, {"mark", MarkName(inv.mark())}});
  }
  respond(JsonResponse(200, json{{"marks", out}, {"height", r->height}, {"tx_id", r->tx_id}}));
}

void PostMarks(const MerchantContext& ctx, const Request& req, Responder respond) {
  auto key = AuthenticateRequest(*ctx.keys, req);
  if (!key.ok()) return respond(AuthProblem(key.status()));
  if (!auth::RoleMay(key->role, Action::kLockReimbursement)) {
    return respond(Forbidden(*key, Action::kLockReimbursement));
  }
  if (auto r = OrgNode(ctx, *key)) return respond(*r);
  auto body = ParseJsonBody(req, kBody);
  if (!body) return respond(ProblemReply(body.problem()));
  bool batch = false;
  auto marks = ParseMarks(body.value(), batch);
  if (!marks) return respond(ProblemReply(marks.problem()));
  std::vector<std::string> numbers;
  for (const auto& m : marks.value().marks()) numbers.push_back(m.invoice_number());
  constexpr auto kKind = static_cast<uint32_t>(contracts::TxKind::kReimbursementMarks);
  // A retry of a batch already committed is answered from the ledger.
  const WriteIdentity write = WriteIdentity::Of(ctx, req);
  if (auto repeat = CommittedRepeat(ctx, write, kKind)) {
    return Answer(ctx, numbers, respond, std::move(*repeat));
  }
  const std::string org = std::to_string(ctx.identity.member);
  auth::ResourceScope scope;
  scope.submitted_to = [&org](std::string_view s) { return s == org; };
  for (const auto& m : marks.value().marks()) {
    if (Status s = auth::Authorize(*key, ActionOf(m.action()), scope); !s.ok()) {
      return respond(AuthProblem(s));
    }
  }
  if (Status s = DryRun(ctx, contracts::TxKind::kReimbursementMarks, marks.value()); !s.ok()) {
    return respond(ProblemResponse(
        MakeProblem(ContractHttpStatus(s.code()), s.code(), s.message(), MarkField(s, batch))));
  }
  SubmitWrite(ctx, write, kKind, marks.value().SerializeAsString(),
              [ctx, numbers = std::move(numbers), respond](Result<SubmitOutcome> r) {
                Answer(ctx, numbers, respond, std::move(r));
              });
}

// Who may read an invoice may read its mark (a reimbursing organisation: once it locked it).
Response GetMark(const MerchantContext& ctx, const Request& req) {
  auto stored = ReadInvoiceFor(ctx, req);
  if (!stored) return ProblemReply(stored.problem());
  const pb::Invoice& inv = stored.value().invoice;
  json body{{"invoice_number", inv.number()},
            {"mark", MarkName(inv.mark())},
            {"used", inv.used()},
            {"height", stored.value().height}};
  if (inv.mark() != pb::MARK_INIT) body["mark_org"] = inv.mark_org();
  return JsonResponse(200, body);
}

}  // namespace

void AddReimbursementRoutes(Router& router, const MerchantContext& ctx) {
  const RouteOptions opts{kMerchantMaxBody};
  router.AddAsync(
      "POST", "/v1/reimbursements",
      [ctx](const Request& r, Responder respond) { PostMarks(ctx, r, std::move(respond)); }, opts);
  router.Add(
      "GET", "/v1/reimbursements/{number}", [ctx](const Request& r) { return GetMark(ctx, r); },
      opts);
}

}  // namespace fapiao::api::merchant
