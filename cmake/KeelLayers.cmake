# Helpers that turn the folder layout into one static library per layer and one test binary
# per layer. Sources are globbed so that adding a file never needs a CMake edit.

# keel_layer(<name> [RECURSE] SOURCES <globs...> [EXCLUDE <files...>] DEPS <targets...>)
function(keel_layer name)
  cmake_parse_arguments(L "RECURSE" "" "SOURCES;EXCLUDE;DEPS" ${ARGN})
  set(files "")
  foreach(g IN LISTS L_SOURCES)
    if(L_RECURSE)
      file(GLOB_RECURSE found CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${g})
    else()
      file(GLOB found CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${g})
    endif()
    list(APPEND files ${found})
  endforeach()
  foreach(x IN LISTS L_EXCLUDE)
    list(REMOVE_ITEM files ${CMAKE_SOURCE_DIR}/${x})
  endforeach()
  list(FILTER files EXCLUDE REGEX "_fuzz\\.cc$")
  if(files)
    add_library(${name} STATIC ${files})
    target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
    target_link_libraries(${name} PUBLIC ${L_DEPS})
  else()
    # A layer whose folder has no sources yet still exists, so layers above can name it.
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${CMAKE_SOURCE_DIR}/src)
    target_link_libraries(${name} INTERFACE ${L_DEPS})
  endif()
endfunction()

# keel_tests(<binary> <dir> <layer-lib>): one gtest binary for every *_test.cc under <dir>
# (not descending into folders that are other layers' tests), linked only to its layer.
function(keel_tests name dir lib)
  file(GLOB files CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${dir}/*_test.cc
                                    ${CMAKE_SOURCE_DIR}/${dir}/*/*_test.cc)
  # tests/server/http belongs to http_tests, tests/storage/* to their own binaries.
  if(dir STREQUAL "tests/server")
    list(FILTER files EXCLUDE REGEX "/tests/server/http/")
  endif()
  if(NOT files)
    return()
  endif()
  add_executable(${name} ${files})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${lib} keel_testutil GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
      KEEL_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
      KEEL_BINARY="${CMAKE_BINARY_DIR}/bin/keel")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600)
endfunction()
