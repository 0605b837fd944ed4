# Compiler flags travel as INTERFACE targets that each module links privately;
# nothing is set globally (STYLE.md habit 11).

add_library(fapiao_warnings INTERFACE)
target_compile_options(fapiao_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
  -Wformat=2)
# Not -Wnull-dereference: GCC 12 reports false positives inside Asio's scheduler
# and CLI11 in every translation unit that inlines them.
if(FAPIAO_WERROR)
  target_compile_options(fapiao_warnings INTERFACE -Werror)
endif()

add_library(fapiao_sanitizers INTERFACE)
if(SANITIZERS)
  string(REPLACE "," ";" _san_list "${SANITIZERS}")
  foreach(_san IN LISTS _san_list)
    if(NOT _san MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "SANITIZERS: unknown sanitizer '${_san}' (address, undefined, thread, leak)")
    endif()
  endforeach()
  target_compile_options(fapiao_sanitizers INTERFACE -fsanitize=${SANITIZERS} -fno-omit-frame-pointer
                                                       -fno-sanitize-recover=all)
  target_link_options(fapiao_sanitizers INTERFACE -fsanitize=${SANITIZERS})
endif()

# Every fapiao target links this one: warnings + sanitizers + the include root.
add_library(fapiao_options INTERFACE)
target_link_libraries(fapiao_options INTERFACE fapiao_warnings fapiao_sanitizers)
target_include_directories(fapiao_options INTERFACE ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/gen)
