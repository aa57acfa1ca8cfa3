#pragma once
// `--sim-state FILE` and `--sim-outage S` of `edc run --sim` and `edc resume --sim`: the
// simulated instruments keep their physical truth in FILE across edc processes
// (drivers/sim/sim_state_file.hpp); S simulated seconds pass, instruments left as they were,
// before edc connects again.
#include <array>
#include <expected>
#include <filesystem>
#include <string_view>

#include "app/cli/arg_parser.hpp"
#include "app/cli/console.hpp"
#include "app/runtime/sim_rig_options.hpp"

namespace edc::cli {

// Append to a command's option table.
inline constexpr std::array<OptionSpec, 2> sim_state_option_specs{{
    {"--sim-state", "", true, false},
    {"--sim-outage", "", true, false},
}};

// For a command's usage text.
inline constexpr std::string_view sim_state_usage =
    "  --sim-state FILE   with --sim: the simulated instruments' state (bath, film, syringe,\n"
    "                     output, pump) is loaded from FILE if it exists and rewritten at least\n"
    "                     every simulated second and at the end, so it outlives edc\n";
inline constexpr std::string_view sim_outage_usage =
    "  --sim-outage S     with --sim-state: S simulated seconds pass before edc connects, the\n"
    "                     instruments running as they were left (an output that was on keeps\n"
    "                     depositing, a pump pumps until its own safe-mode timeout)\n";

struct SimStateChoice {
    std::filesystem::path state_file;  // empty: none
    double outage_s = 0.0;
};

// Reads --sim-state / --sim-outage. `simulate`: --sim was given (both need it; --sim-outage
// needs --sim-state, and only commands passing allow_outage accept it). A usage error is
// printed and exit_code::usage returned as the error.
[[nodiscard]] std::expected<SimStateChoice, int> sim_state_choice(const ParsedArgs& args, bool simulate,
                                                                  bool allow_outage, std::string_view command,
                                                                  Console& console);
// Copies the choice into the rig's options.
void apply_sim_state_choice(const SimStateChoice& choice, app::SimRigOptions& options);

}  // namespace edc::cli
