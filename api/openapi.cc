#include "api/openapi.h"

#include <string>

namespace fapiao::api {

void AddOpenApiRoute(Router& router) {
  router.Add("GET", "/openapi.json", [](const Request&) {
    Response r;
    r.content_type = "application/json";
    r.body = std::string(OpenApiDocumentJson());
    return r;
  });
}

}  // namespace fapiao::api
