# Warnings and sanitizers for every edc target: call edc_target_defaults(<target>).
if(EDC_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  # libstdc++'s own checks: *optional when empty, [] out of range, front() of an empty vector.
  # They stand in for clang-tidy's unchecked-optional-access, which CI cannot afford.
  add_compile_definitions(_GLIBCXX_ASSERTIONS)
endif()

function(edc_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>)
endfunction()

if(EDC_FUZZ)
  # libFuzzer needs clang. Debian 12's clang 16 reports __cpp_concepts 201907, so libstdc++ 12
  # hides std::expected from it although clang 16 compiles it: announce the C++20 value.
  add_compile_options(-Wno-builtin-macro-redefined -U__cpp_concepts -D__cpp_concepts=202002L
                      -fsanitize=fuzzer-no-link,address,undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
