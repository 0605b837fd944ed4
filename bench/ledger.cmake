if(TARGET ledger_test_fixture)
  add_executable(fapiao-ledger-bench ${CMAKE_CURRENT_LIST_DIR}/ledger_bench.cc)
  target_link_libraries(fapiao-ledger-bench PRIVATE ledger_test_fixture ledger_store fapiao_options)
endif()
