# fapiao-contracts-bench: microseconds per invoice issuance including its store
# writes, on MemState and on the RocksDB block store (fsync on and off).
if(TARGET contracts AND TARGET ledger_store)
  add_executable(fapiao-contracts-bench ${CMAKE_CURRENT_LIST_DIR}/contracts_bench.cc)
  target_link_libraries(fapiao-contracts-bench PRIVATE contracts ledger_store fapiao_options)
endif()
