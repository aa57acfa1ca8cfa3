# edc/version.hpp: the version and the git revision the build came from (journaled per run).
find_package(Git QUIET)
set(EDC_GIT_REVISION "unknown")
if(GIT_FOUND AND EXISTS ${PROJECT_SOURCE_DIR}/.git)
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --always --dirty --abbrev=12
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                  OUTPUT_VARIABLE EDC_GIT_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE _git_rc ERROR_QUIET)
  if(NOT _git_rc EQUAL 0)
    set(EDC_GIT_REVISION "unknown")
  endif()
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/version.hpp.in ${PROJECT_BINARY_DIR}/generated/edc/version.hpp @ONLY)
add_library(edc_version INTERFACE)
target_include_directories(edc_version INTERFACE ${PROJECT_BINARY_DIR}/generated)
