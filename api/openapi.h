// The node's OpenAPI 3 document (docs/openapi.yaml), converted to JSON at build
// time by the openapi_embed tool (yaml-cpp) and compiled in, and the public
// route that serves it: GET /openapi.json. Immutable data; thread-safe.
#pragma once

#include <string_view>

#include "api/router.h"

namespace fapiao::api {

// The document as compact JSON text (generated source).
std::string_view OpenApiDocumentJson();

// Adds GET /openapi.json (200 application/json, no credentials).
void AddOpenApiRoute(Router& router);

}  // namespace fapiao::api
