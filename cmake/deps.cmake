# Dependencies, all from Debian 12 packages (scripts/setup installs them).
find_package(Threads REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)
find_package(Protobuf REQUIRED)
find_package(RocksDB REQUIRED CONFIG)
find_package(Boost 1.74 REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tomlplusplus REQUIRED)
if(FAPIAO_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
endif()

# The allocator of the long-running programs (fapiaod, fapiao-bench): jemalloc, as
# RocksDB deployments use. A node allocates and frees on many threads at once (HTTP,
# transport, verification, the executor); glibc's malloc spent 13% of the machine's CPU
# under load (docs/benchmarks.md). Linked into the executables only, so the libraries
# and tests keep the system allocator; sanitizer builds keep it too (ASan replaces malloc).
add_library(fapiao_allocator INTERFACE)
if(NOT SANITIZERS)
  find_library(JEMALLOC_LIBRARY NAMES jemalloc REQUIRED)
  target_link_libraries(fapiao_allocator INTERFACE
    "-Wl,--push-state,--no-as-needed" ${JEMALLOC_LIBRARY} "-Wl,--pop-state")
endif()
