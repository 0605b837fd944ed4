// RFC 9457 problem details (application/problem+json) and a small declarative
// JSON body checker. Every rejection a caller can cause carries a stable `code`
// ("request.unknown_field"), a human `detail` and, when one is to blame, the
// offending `field` as a JSON pointer. Value types and pure functions; thread-safe.
#pragma once

#include <cassert>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/router.h"
#include "ledger/core/status.h"

namespace fapiao::api {

inline constexpr std::string_view kProblemContentType = "application/problem+json";
inline constexpr std::string_view kJsonContentType = "application/json";

struct Problem {
  int status = 500;
  std::string code;    // stable machine code, e.g. "request.malformed_json"
  std::string detail;  // one human sentence about this occurrence
  std::string field;   // JSON pointer ("/lines/0/amount"), empty when none
  std::string title;   // empty: the HTTP reason phrase of `status`
  std::string type;    // empty: "urn:fapiao:problem:<code>"
};

// REQUIRES: status in [400, 599]; code non-empty.
Problem MakeProblem(int status, std::string code, std::string detail, std::string field = {});
// A Status from a lower layer, surfaced with the given HTTP status.
// REQUIRES: !status.ok()
Problem ProblemFromStatus(int http_status, const Status& status, std::string field = {});

nlohmann::json ProblemJson(const Problem& problem);
Response ProblemResponse(const Problem& problem);
Response JsonResponse(int status, const nlohmann::json& body);

// The reason phrase of an HTTP status ("Not Found"); "Unknown" when unknown.
std::string_view ReasonPhrase(int status);

// Either a value or the problem that prevented it.
template <typename T>
class ProblemOr {
 public:
  ProblemOr(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  ProblemOr(Problem problem) : v_(std::move(problem)) {}  // NOLINT: implicit by design
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  // REQUIRES: !ok()
  const Problem& problem() const { return std::get<Problem>(v_); }

 private:
  std::variant<T, Problem> v_;
};

// Field spec for a JSON object body. kInteger accepts integral numbers only
// (1.0 is a wrong type); kNumber any number. null is a wrong type for every
// type but kAny. For kObject fields, a non-empty `fields` checks the nested
// object the same way (unknown nested fields rejected too).
enum class JsonType { kString, kInteger, kNumber, kBoolean, kObject, kArray, kAny };
struct FieldSpec {
  std::string name;
  JsonType type = JsonType::kString;
  bool required = true;
  std::vector<FieldSpec> fields;
};
std::string_view JsonTypeName(JsonType type);

// Nesting deeper than this is rejected as request.too_deep.
inline constexpr int kMaxJsonDepth = 32;

// Parses `body` as a JSON object and checks it against `spec`. Problems (all
// 400 but the first): request.unsupported_media_type (415, content type is
// not application/json), request.malformed_json, request.too_deep,
// request.not_object, request.missing_field, request.wrong_type,
// request.unknown_field; `field` names the offender.
ProblemOr<nlohmann::json> ParseJsonBody(std::string_view content_type, std::string_view body,
                                        std::span<const FieldSpec> spec);
// The same checks on a request (its Content-Type header and body).
ProblemOr<nlohmann::json> ParseJsonBody(const Request& request, std::span<const FieldSpec> spec);
// Checks an already parsed value; `pointer` is the JSON pointer of `value`.
std::optional<Problem> CheckJsonObject(const nlohmann::json& value, std::span<const FieldSpec> spec,
                                       const std::string& pointer = {});

}  // namespace fapiao::api
