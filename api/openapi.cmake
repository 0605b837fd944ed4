# api_openapi: GET /openapi.json. docs/openapi.yaml is converted to JSON at build time
# by the host tool openapi_embed (yaml-cpp) into a generated source, so the node
# serves exactly the document in the tree and holds no YAML parser.
find_package(yaml-cpp REQUIRED)

add_executable(openapi_embed openapi_embed.cc)
target_link_libraries(openapi_embed PRIVATE yaml-cpp nlohmann_json::nlohmann_json fapiao_options)

set(FAPIAO_OPENAPI_YAML ${PROJECT_SOURCE_DIR}/docs/openapi.yaml)
set(FAPIAO_OPENAPI_CC ${CMAKE_CURRENT_BINARY_DIR}/openapi_document.cc)
add_custom_command(
  OUTPUT ${FAPIAO_OPENAPI_CC}
  COMMAND openapi_embed ${FAPIAO_OPENAPI_YAML} ${FAPIAO_OPENAPI_CC}
  DEPENDS openapi_embed ${FAPIAO_OPENAPI_YAML}
  COMMENT "Embedding docs/openapi.yaml as JSON"
  VERBATIM)

add_library(api_openapi STATIC openapi.cc ${FAPIAO_OPENAPI_CC})
target_link_libraries(api_openapi PUBLIC api PRIVATE fapiao_options)
