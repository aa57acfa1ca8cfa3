#pragma once
// The `edc` command line, callable in process (tests pass string streams).
//
// Exit codes: 0 success; 1 usage error (unknown option, missing value) or any other failure
// (database cannot be opened, no such run); 2 invalid recipe (or, for `edc compare`, an invalid
// measured profile); 3 infeasible plan; 4 run faulted; 5 run aborted by the operator.
#include <iosfwd>

namespace edc::cli {

namespace exit_code {
inline constexpr int success = 0;
inline constexpr int usage = 1;
inline constexpr int failure = 1;
inline constexpr int invalid_recipe = 2;
inline constexpr int invalid_profile = 2;  // edc compare: the measured profile file
inline constexpr int infeasible_plan = 3;
inline constexpr int run_faulted = 4;
inline constexpr int run_aborted = 5;
}  // namespace exit_code

// argv[0] is the program name. Progress bars are drawn only when `err` is std::cerr on a
// terminal; everything else is plain text or JSON on `out` and diagnostics on `err`.
int main(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace edc::cli
