#include "api/merchant/common.h"

#include <cctype>
#include <chrono>
#include <limits>
#include <set>

#include "api/auth/keys.h"

namespace fapiao::api::merchant {

Result<auth::Principal> AuthenticateRequest(const auth::KeyStore& keys, const Request& request) {
  return auth::Authenticate(keys, request.Header("Authorization").value_or(""));
}

Response AuthProblem(const Status& status) {
  return ProblemReply(ProblemFromStatus(auth::HttpStatusFor(status), status));
}

Response ProblemReply(const Problem& problem) {
  Response r = ProblemResponse(problem);
  if (problem.status == 401) {
    r.headers.emplace_back("WWW-Authenticate", std::string(auth::kBearerChallenge));
  }
  return r;
}

Response Forbidden(const auth::Principal& principal, auth::Action action) {
  return AuthProblem(Status::Error("auth.forbidden", std::string(auth::RoleName(principal.role)) +
                                                         " may not " +
                                                         std::string(auth::ActionName(action))));
}

int ContractHttpStatus(const std::string& code) {
  static const std::set<std::string> kNotFound = {"invoice.unknown", "redletter.unknown_form"};
  static const std::set<std::string> kConflict = {"vendor.exists",
                                                  "payment.conflicting_reference",
                                                  "mark.bad_transition",
                                                  "mark.fully_reversed",
                                                  "redletter.form_pending",
                                                  "redletter.not_pending",
                                                  "redletter.invoice_locked",
                                                  "redletter.invoice_reimbursed",
                                                  "redletter.lapsed"};
  static const std::set<std::string> kForbidden = {"redletter.wrong_party", "mark.not_locking_org",
                                                   "buyer.auth_failed"};
  if (kNotFound.contains(code)) return 404;
  if (kConflict.contains(code)) return 409;
  if (kForbidden.contains(code)) return 403;
  return 422;
}

Response ContractProblem(const std::string& code, std::string field) {
  return ProblemResponse(MakeProblem(ContractHttpStatus(code), code,
                                     "the ledger refused the transaction (" + code + ")",
                                     std::move(field)));
}

Response SubmitProblem(const Status& status) {
  return ProblemResponse(ProblemFromStatus(status.code() == "mempool.full" ? 429 : 503, status));
}

ProblemOr<int64_t> ParseAmountFen(const nlohmann::json& value, const std::string& field) {
  const auto invalid = [&](const std::string& why) {
    return MakeProblem(422, "request.invalid_amount", field.substr(1) + " " + why, field);
  };
  if (value.is_number_integer()) {
    if (value.is_number_unsigned()) {
      const auto u = value.get<uint64_t>();
      if (u == 0) return invalid("must be positive");
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return invalid("overflows int64 fen");
      }
      return static_cast<int64_t>(u);
    }
    const auto i = value.get<int64_t>();
    if (i <= 0) return invalid("must be positive");
    return i;
  }
  if (value.is_number_float()) return invalid("must be an integer number of fen");
  if (!value.is_string()) {
    return MakeProblem(400, "request.wrong_type",
                       field.substr(1) + " must be an integer or a decimal string", field);
  }
  const auto& s = value.get_ref<const std::string&>();
  if (s.empty() || s.size() > 19) return invalid("must be 1-19 decimal digits");
  int64_t out = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return invalid("must be a decimal integer string");
    }
    if (__builtin_mul_overflow(out, 10, &out) || __builtin_add_overflow(out, c - '0', &out)) {
      return invalid("overflows int64 fen");
    }
  }
  if (out == 0) return invalid("must be positive");
  return out;
}

namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<uint64_t> ParseRfc3339Ms(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (!Digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
      !Digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !Digits(s, 11, 2, h) ||
      s[13] != ':' || !Digits(s, 14, 2, mi) || s[16] != ':' || !Digits(s, 17, 2, sec)) {
    return std::nullopt;
  }
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  size_t pos = 19;
  int64_t ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (digits < 3) ms = ms * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 3; ++i) ms *= 10;
  }
  int64_t offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_min = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const int64_t days = sys_days(ymd).time_since_epoch().count();
  const int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60;
  if (secs <= 0) return std::nullopt;
  return static_cast<uint64_t>(secs) * 1000 + static_cast<uint64_t>(ms);
}

ProblemOr<uint64_t> ParseTimeMs(const nlohmann::json& value, const std::string& field) {
  const auto invalid =
      MakeProblem(422, "request.invalid_time",
                  field.substr(1) + " must be RFC 3339 or positive Unix milliseconds", field);
  if (value.is_number_unsigned() && value.get<uint64_t>() > 0) return value.get<uint64_t>();
  if (value.is_number_integer() || value.is_number_float()) return invalid;
  if (!value.is_string()) {
    return MakeProblem(400, "request.wrong_type",
                       field.substr(1) + " must be a string or an integer", field);
  }
  auto ms = ParseRfc3339Ms(value.get_ref<const std::string&>());
  if (!ms) return invalid;
  return *ms;
}

}  // namespace fapiao::api::merchant
