#pragma once
// The subcommands of `edc`. Each returns its exit code (see cli.hpp).
#include <span>
#include <string_view>

#include "app/cli/arg_parser.hpp"
#include "app/cli/console.hpp"

namespace edc::cli {

struct Command {
    std::string_view name;
    std::string_view summary;             // one line for `edc --help`
    std::string_view help;                // full text for `edc NAME --help`
    std::span<const OptionSpec> options;  // besides --help/-h and -v/--verbose
    int (*run)(const ParsedArgs& args, Console& console);
};

const Command& plan_command();
const Command& simulate_command();
const Command& run_command();
const Command& resume_command();
const Command& runs_command();
const Command& show_command();
const Command& compare_command();
const Command& export_command();
const Command& devices_command();
const Command& doctor_command();  // setup_commands.cpp
const Command& config_command();
const Command& verify_command();
const Command& calibrate_command();

}  // namespace edc::cli
