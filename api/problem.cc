#include "api/problem.h"

#include <algorithm>
#include <cctype>

namespace fapiao::api {
namespace {

// Thrown by the parser callback to stop at the depth limit; caught below.
struct TooDeep {};

std::string EscapePointerToken(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool HasType(const nlohmann::json& v, JsonType type) {
  switch (type) {
    case JsonType::kString:
      return v.is_string();
    case JsonType::kInteger:
      return v.is_number_integer();
    case JsonType::kNumber:
      return v.is_number();
    case JsonType::kBoolean:
      return v.is_boolean();
    case JsonType::kObject:
      return v.is_object();
    case JsonType::kArray:
      return v.is_array();
    case JsonType::kAny:
      return true;
  }
  return false;
}

bool IsJsonMediaType(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  std::string lower(content_type);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == kJsonContentType ||
         (lower.starts_with("application/") && lower.ends_with("+json"));
}

}  // namespace

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

Problem MakeProblem(int status, std::string code, std::string detail, std::string field) {
  assert(status >= 400 && status <= 599);
  assert(!code.empty());
  Problem p;
  p.status = status;
  p.code = std::move(code);
  p.detail = std::move(detail);
  p.field = std::move(field);
  return p;
}

Problem ProblemFromStatus(int http_status, const Status& status, std::string field) {
  assert(!status.ok());
  return MakeProblem(http_status, status.code(), status.message(), std::move(field));
}

nlohmann::json ProblemJson(const Problem& p) {
  nlohmann::json j = {
      {"type", p.type.empty() ? "urn:fapiao:problem:" + p.code : p.type},
      {"title", p.title.empty() ? std::string(ReasonPhrase(p.status)) : p.title},
      {"status", p.status},
      {"code", p.code},
      {"detail", p.detail},
  };
  if (!p.field.empty()) j["field"] = p.field;
  return j;
}

Response ProblemResponse(const Problem& problem) {
  Response r;
  r.status = problem.status;
  r.content_type = std::string(kProblemContentType);
  r.body = ProblemJson(problem).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response JsonResponse(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.content_type = std::string(kJsonContentType);
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

std::string_view JsonTypeName(JsonType type) {
  switch (type) {
    case JsonType::kString:
      return "string";
    case JsonType::kInteger:
      return "integer";
    case JsonType::kNumber:
      return "number";
    case JsonType::kBoolean:
      return "boolean";
    case JsonType::kObject:
      return "object";
    case JsonType::kArray:
      return "array";
    case JsonType::kAny:
      return "any";
  }
  return "any";
}

std::optional<Problem> CheckJsonObject(const nlohmann::json& value, std::span<const FieldSpec> spec,
                                       const std::string& pointer) {
  if (!value.is_object()) {
    return MakeProblem(400, pointer.empty() ? "request.not_object" : "request.wrong_type",
                       "Expected a JSON object.", pointer);
  }
  for (const FieldSpec& f : spec) {
    const std::string at = pointer + "/" + EscapePointerToken(f.name);
    const auto it = value.find(f.name);
    if (it == value.end()) {
      if (f.required) {
        return MakeProblem(400, "request.missing_field",
                           "The required field '" + f.name + "' is missing.", at);
      }
      continue;
    }
    if (!HasType(*it, f.type)) {
      return MakeProblem(400, "request.wrong_type",
                         "The field '" + f.name + "' must be of type " +
                             std::string(JsonTypeName(f.type)) + ", not " + it->type_name() + ".",
                         at);
    }
    if (f.type == JsonType::kObject && !f.fields.empty()) {
      if (auto nested = CheckJsonObject(*it, f.fields, at)) return nested;
    }
  }
  for (const auto& [key, unused] : value.items()) {
    (void)unused;
    const bool known =
        std::any_of(spec.begin(), spec.end(), [&](const FieldSpec& f) { return f.name == key; });
    if (!known) {
      return MakeProblem(400, "request.unknown_field", "The field '" + key + "' is not known here.",
                         pointer + "/" + EscapePointerToken(key));
    }
  }
  return std::nullopt;
}

ProblemOr<nlohmann::json> ParseJsonBody(std::string_view content_type, std::string_view body,
                                        std::span<const FieldSpec> spec) {
  if (!IsJsonMediaType(content_type)) {
    return MakeProblem(415, "request.unsupported_media_type",
                       "The body must be sent as application/json.");
  }
  nlohmann::json value;
  try {
    const nlohmann::json::parser_callback_t limit_depth =
        [](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
          if (depth >= kMaxJsonDepth && (event == nlohmann::json::parse_event_t::object_start ||
                                         event == nlohmann::json::parse_event_t::array_start)) {
            throw TooDeep{};
          }
          return true;
        };
    value = nlohmann::json::parse(body.begin(), body.end(), limit_depth);
  } catch (const TooDeep&) {
    return MakeProblem(
        400, "request.too_deep",
        "The JSON body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels.");
  } catch (const nlohmann::json::exception& e) {
    return MakeProblem(400, "request.malformed_json",
                       std::string("The body is not valid JSON: ") + e.what());
  }
  if (auto problem = CheckJsonObject(value, spec)) return *std::move(problem);
  return value;
}

ProblemOr<nlohmann::json> ParseJsonBody(const Request& request, std::span<const FieldSpec> spec) {
  return ParseJsonBody(request.Header("Content-Type").value_or(""), request.body, spec);
}

}  // namespace fapiao::api
