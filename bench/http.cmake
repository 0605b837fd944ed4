# fapiao-bench: load on a running consortium through its HTTP API (real flows,
# closed or open loop); scripts/bench-http starts a consortium and runs it.
add_executable(fapiao-bench ${CMAKE_CURRENT_LIST_DIR}/http_bench.cc
                            ${CMAKE_CURRENT_LIST_DIR}/http_load.cc)
target_link_libraries(fapiao-bench PRIVATE fapiao_http_client contracts CLI11::CLI11
                      nlohmann_json::nlohmann_json Boost::boost Threads::Threads fapiao_options)
