# consensus_core_bench: CPU cost of the PBFT core per committed request (n=4,
# batch 1/100/1000), with the simulator's fast hash and with the chain's SHA-256.
add_executable(consensus_core_bench ${CMAKE_CURRENT_LIST_DIR}/consensus_core_bench.cc)
target_link_libraries(consensus_core_bench PRIVATE consensus_core consensus_sim fapiao_options)
