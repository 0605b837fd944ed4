# node_config: node.toml / consortium.toml loading and validation (config.h) and
# `fapiaod init` (init.h). Included from node/CMakeLists.txt.
add_library(node_config STATIC
  ${CMAKE_CURRENT_LIST_DIR}/clock.cc
  ${CMAKE_CURRENT_LIST_DIR}/config.cc
  ${CMAKE_CURRENT_LIST_DIR}/config_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/init.cc
)
target_link_libraries(node_config
  PUBLIC ledger_core contracts_proto qr_payload
  PRIVATE node_transport tomlplusplus::tomlplusplus OpenSSL::Crypto fapiao_options)
