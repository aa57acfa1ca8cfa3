# edc_add_gtest(<name> SOURCES ... LIBS ... [LABELS ...]): one GoogleTest executable, its tests
# registered one by one with CTest (discovered when ctest runs, not at build time).
# edc_add_fuzzer(<name> SOURCES ... LIBS ...): a libFuzzer target when EDC_FUZZ is on (clang);
# otherwise a replay executable that runs the seed corpus tests/fuzz/corpus/<name> as a test.
include(GoogleTest)

function(edc_add_gtest name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(EDC_FUZZ)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  edc_target_defaults(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT ARG_TIMEOUT OR ARG_TIMEOUT STREQUAL "")
    set(ARG_TIMEOUT 120)
  endif()
  # Labels go on after discovery, from a file of their own: a list of labels ("a;b") given to
  # gtest_discover_tests' PROPERTIES is split into separate arguments on its way through.
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60 TEST_LIST ${name}_TESTS
                       PROPERTIES TIMEOUT ${ARG_TIMEOUT})
  # The journal's key (XDG_CONFIG_HOME) and chain anchors (XDG_STATE_HOME) of every test go to
  # the build tree, never to the home of whoever runs the tests; tests that need their own set
  # them. Same route as the labels below, for the same reason (a list value).
  set(env_file ${CMAKE_CURRENT_BINARY_DIR}/${name}_environment.cmake)
  set(test_home ${CMAKE_BINARY_DIR}/test-home)
  file(WRITE ${env_file}
       "if(${name}_TESTS)\n  set_tests_properties(\${${name}_TESTS} PROPERTIES ENVIRONMENT "
       "\"XDG_CONFIG_HOME=${test_home}/config;XDG_STATE_HOME=${test_home}/state\")\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${env_file})
  if(ARG_LABELS)
    set(labels_file ${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake)
    file(WRITE ${labels_file}
         "if(${name}_TESTS)\n  set_tests_properties(\${${name}_TESTS} PROPERTIES LABELS \"${ARG_LABELS}\")\nendif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${labels_file})
  endif()
endfunction()

function(edc_add_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  set(corpus ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${name})
  if(EDC_FUZZ)
    add_executable(${name} ${ARG_SOURCES})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(${name} PRIVATE ${ARG_LIBS})
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  elseif(EDC_BUILD_TESTS)
    add_executable(${name}_replay ${ARG_SOURCES} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cpp)
    edc_target_defaults(${name}_replay)
    target_link_libraries(${name}_replay PRIVATE ${ARG_LIBS})
    add_test(NAME fuzz_replay.${name} COMMAND ${name}_replay ${corpus})
    set_tests_properties(fuzz_replay.${name} PROPERTIES TIMEOUT 120 LABELS fuzz)
  endif()
endfunction()
