// edc plan RECIPE [--json] [--chemistry FILE]
#include <array>

#include "app/cli/cli.hpp"
#include "app/cli/command_support.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/plan_report.hpp"
#include "control/plan/planner.hpp"

namespace edc::cli {
namespace {

constexpr std::array plan_options{OptionSpec{"--json", "", false, false},
                                  OptionSpec{"--chemistry", "", true, false}};

constexpr std::string_view plan_help =
    R"(Usage: edc plan RECIPE [--json] [--chemistry FILE]

Validates a recipe and plans its feed: the charge-indexed schedule of B volume and rate that
makes the deposit follow the recipe's x_Bi(depth) profile, with the totals in lab units.

Options:
  --chemistry FILE  a chemistry file ([chemistry] keys, e.g. from `edc calibrate`) overriding
                the recipe's chemistry and any calibration file it names
  --json        one JSON object: feasible, recipe, chemistry_source, schedule (up to 200 points), totals, warnings
  -v, --verbose debug logging
  -h, --help    this text

Exit codes: 0 feasible, 1 usage, 2 invalid recipe, 3 infeasible plan (the planner's error codes
in "errors" with --json).
)";

int run_plan(const ParsedArgs& args, Console& console) {
    const auto path = single_positional(args, console, "plan", "RECIPE");
    if (!path) return exit_code::usage;
    const bool as_json = args.has("--json");
    const auto planned = load_and_plan(*path, console, as_json, args.value("--chemistry"));
    if (!planned) return planned.error();
    const auto& recipe = planned->recipe;
    const auto& plan = planned->plan;
    if (as_json) {
        write_json(console.out, plan_json(recipe, plan));
    } else {
        print_plan_table(console.out, recipe, plan);
    }
    return exit_code::success;
}

}  // namespace

const Command& plan_command() {
    static const Command command{"plan", "validate a recipe and print its feed plan", plan_help, plan_options,
                                 run_plan};
    return command;
}

}  // namespace edc::cli
