#include "app/cli/cli.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/cli_logging.hpp"
#include "app/cli/command_support.hpp"
#include "app/cli/commands.hpp"
#include "edc/version.hpp"

namespace edc::cli {
namespace {

constexpr std::array common_options{
    OptionSpec{"--help", "-h", false, false},
    OptionSpec{"--verbose", "-v", false, false},
};

std::array<const Command*, 13> all_commands() {
    return {&plan_command(),   &simulate_command(), &run_command(),     &resume_command(),
            &runs_command(),   &show_command(),     &compare_command(), &calibrate_command(),
            &export_command(), &devices_command(),  &verify_command(),  &doctor_command(),
            &config_command()};
}

const Command* find_command(std::string_view name) {
    for (const Command* c : all_commands()) {
        if (c->name == name) return c;
    }
    return nullptr;
}

void print_main_help(std::ostream& out) {
    out << "Usage: edc [-v] COMMAND [OPTIONS] [ARGS]\n"
           "       edc --version\n\n"
           "Plans, simulates and runs graded electrodeposition recipes, and reads the run journal.\n\n"
           "Commands:\n";
    for (const Command* c : all_commands()) out << fmt::format("  {:<10} {}\n", c->name, c->summary);
    out << "\nOptions:\n"
           "  -v, --verbose  debug logging (stderr and the log file)\n"
           "  -h, --help     this text; `edc COMMAND --help` describes a command\n"
           "  --version      version and git revision\n\n"
           "Exit codes: 0 success, 1 usage or other failure, 2 invalid recipe (or measured profile),\n"
           "3 infeasible plan, 4 run faulted, 5 run aborted by the operator.\n";
}

int dispatch(const std::vector<std::string>& args, Console& console) {
    bool verbose = false;
    std::size_t i = 0;
    for (; i < args.size() && args[i].starts_with('-'); ++i) {
        const std::string& a = args[i];
        if (a == "--version") {
            console.out << fmt::format("edc {} (git {})\n", edc::version, edc::git_revision);
            return exit_code::success;
        }
        if (a == "-h" || a == "--help") {
            print_main_help(console.out);
            return exit_code::success;
        }
        if (a == "-v" || a == "--verbose") {
            verbose = true;
            continue;
        }
        return usage_error(console, "", fmt::format("unknown option '{}'", a));
    }
    if (i == args.size()) {
        print_main_help(console.err);
        return exit_code::usage;
    }
    if (args[i] == "help") {
        if (i + 1 < args.size()) {
            if (const Command* c = find_command(args[i + 1])) {
                console.out << c->help;
                return exit_code::success;
            }
            return usage_error(console, "", fmt::format("unknown command '{}'", args[i + 1]));
        }
        print_main_help(console.out);
        return exit_code::success;
    }
    const Command* command = find_command(args[i]);
    if (command == nullptr) return usage_error(console, "", fmt::format("unknown command '{}'", args[i]));

    std::vector<OptionSpec> spec(command->options.begin(), command->options.end());
    spec.insert(spec.end(), common_options.begin(), common_options.end());
    const std::span<const std::string> rest(args.data() + i + 1, args.size() - i - 1);
    auto parsed = parse_args(rest, spec, command->name);
    if (!parsed) return usage_error(console, command->name, parsed.error().message);
    if (parsed->has("--help")) {
        console.out << command->help;
        return exit_code::success;
    }
    verbose = verbose || parsed->has("--verbose");

    LoggingScope logging(verbose, console.err);
    spdlog::debug(
        "edc {} (git {}): {}{}", edc::version, edc::git_revision, command->name,
        logging.file_path().empty() ? std::string(", no log file") : ", log " + logging.file_path());
    return command->run(*parsed, console);
}

}  // namespace

int main(int argc, char** argv, std::ostream& out, std::ostream& err) {
    std::vector<std::string> args;
    for (int k = 1; k < argc; ++k) args.emplace_back(argv[k]);
    const bool terminal = &err == &std::cerr && ::isatty(STDERR_FILENO) == 1;
    if (std::find(args.begin(), args.end(), "--json") == args.end()) {
        Console console{out, err, terminal};
        try {
            const int code = dispatch(args, console);
            out.flush();
            return code;
        } catch (const std::exception& e) {
            err << "edc: internal error: " << e.what() << '\n';
            return exit_code::failure;
        }
    }
    // --json means JSON: what the command writes on stdout is held until it ends; a failure that
    // printed nothing there prints {"errors":[...]} instead, with the same exit code. Diagnostics
    // still go to stderr for a person.
    std::ostringstream held;
    std::vector<Error> errors;
    Console console{held, err, terminal, &errors};
    int code = exit_code::failure;
    try {
        code = dispatch(args, console);
    } catch (const std::exception& e) {
        err << "edc: internal error: " << e.what() << '\n';
        errors.push_back(Error{"internal_error", e.what(), {}});
        code = exit_code::failure;
    }
    if (!held.str().empty()) {
        out << held.str();
    } else if (code != exit_code::success) {
        if (errors.empty())
            errors.push_back(Error{"failed", fmt::format("edc exited with code {}", code), {}});
        write_json(out, errors_json(errors));
    }
    out.flush();
    return code;
}

}  // namespace edc::cli
