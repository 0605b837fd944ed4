# fapiao-bench: load on a running consortium through its HTTP API (real flows,
# closed or open loop); scripts/bench-http starts a consortium and runs it.
# fapiao_http_load: its async connection pool and histogram (tested in tests/tools).
add_library(fapiao_http_load STATIC ${CMAKE_CURRENT_LIST_DIR}/http_load.cc)
target_link_libraries(fapiao_http_load PUBLIC Boost::boost Threads::Threads PRIVATE fapiao_options)

add_executable(fapiao-bench ${CMAKE_CURRENT_LIST_DIR}/http_bench.cc)
target_link_libraries(fapiao-bench PRIVATE fapiao_http_load fapiao_http_client contracts node_config CLI11::CLI11
                      nlohmann_json::nlohmann_json Boost::boost Threads::Threads fapiao_options
                      fapiao_allocator)

# fapiao-tax-bench: the tax bureau's queries timed on a seeded ledger (scripts/bench-tax).
add_executable(fapiao-tax-bench ${CMAKE_CURRENT_LIST_DIR}/tax_bench.cc)
target_link_libraries(fapiao-tax-bench PRIVATE fapiao_http_load fapiao_http_client CLI11::CLI11
                      nlohmann_json::nlohmann_json Boost::boost Threads::Threads fapiao_options)
