# fapiao_proto(TARGET name PROTOS a.proto b.proto): a static library with the
# generated C++ for the given .proto files; headers land under gen/proto/.
function(fapiao_proto)
  cmake_parse_arguments(P "" "TARGET" "PROTOS" ${ARGN})
  set(_out ${PROJECT_BINARY_DIR}/gen/proto)
  file(MAKE_DIRECTORY ${_out})
  set(_srcs)
  foreach(_p IN LISTS P_PROTOS)
    get_filename_component(_abs ${_p} ABSOLUTE)
    get_filename_component(_name ${_p} NAME_WE)
    list(APPEND _srcs ${_out}/${_name}.pb.cc)
    add_custom_command(
      OUTPUT ${_out}/${_name}.pb.cc ${_out}/${_name}.pb.h
      COMMAND protobuf::protoc --cpp_out=${_out} -I ${PROJECT_SOURCE_DIR}/proto ${_abs}
      DEPENDS ${_abs} protobuf::protoc
      COMMENT "protoc ${_name}.proto")
  endforeach()
  add_library(${P_TARGET} STATIC ${_srcs})
  target_include_directories(${P_TARGET} PUBLIC ${PROJECT_BINARY_DIR}/gen ${PROJECT_BINARY_DIR}/gen/proto)
  target_link_libraries(${P_TARGET} PUBLIC protobuf::libprotobuf PRIVATE fapiao_sanitizers)
  set_target_properties(${P_TARGET} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
