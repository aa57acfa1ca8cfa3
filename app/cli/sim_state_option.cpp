#include "app/cli/sim_state_option.hpp"

#include <fmt/format.h>

#include "app/cli/cli.hpp"
#include "app/cli/command_support.hpp"

namespace edc::cli {

std::expected<SimStateChoice, int> sim_state_choice(const ParsedArgs& args, bool simulate, bool allow_outage,
                                                    std::string_view command, Console& console) {
    SimStateChoice choice;
    const auto file = args.value("--sim-state");
    if (file) {
        if (!simulate) {
            return std::unexpected(
                usage_error(console, command, fmt::format("{}: --sim-state needs --sim", command)));
        }
        if (file->empty()) {
            return std::unexpected(
                usage_error(console, command, fmt::format("{}: --sim-state needs a file name", command)));
        }
        choice.state_file = *file;
    }
    if (const auto text = args.value("--sim-outage")) {
        if (!allow_outage) {
            return std::unexpected(usage_error(
                console, command, fmt::format("{}: --sim-outage is for `edc resume --sim`", command)));
        }
        if (!file) {
            return std::unexpected(
                usage_error(console, command, fmt::format("{}: --sim-outage needs --sim-state", command)));
        }
        auto v = parse_number("--sim-outage", *text);
        if (!v)
            return std::unexpected(
                usage_error(console, command, fmt::format("{}: {}", command, v.error().message)));
        if (*v < 0.0) {
            return std::unexpected(usage_error(
                console, command,
                fmt::format("{}: --sim-outage must be zero or positive, not {}", command, *text)));
        }
        choice.outage_s = *v;
    }
    return choice;
}

void apply_sim_state_choice(const SimStateChoice& choice, app::SimRigOptions& options) {
    options.state_file = choice.state_file;
    options.outage_s = choice.outage_s;
}

}  // namespace edc::cli
