// edc doctor [--json] [--no-probe] [port/db overrides]; edc config [--json] [overrides]
#include <array>
#include <vector>

#include "app/cli/cli.hpp"
#include "app/cli/command_support.hpp"
#include "app/cli/commands.hpp"
#include "app/config/settings.hpp"
#include "app/config/settings_report.hpp"
#include "app/doctor/doctor.hpp"
#include "app/doctor/driver_probe.hpp"

namespace edc::cli {
namespace {

constexpr std::array doctor_options{
    OptionSpec{"--json", "", false, false},          OptionSpec{"--no-probe", "", false, false},
    OptionSpec{"--db", "", true, false},             OptionSpec{"--galvanostat-port", "", true, false},
    OptionSpec{"--pump-port", "", true, false},
};
constexpr std::array config_options{
    OptionSpec{"--json", "", false, false},          OptionSpec{"--db", "", true, false},
    OptionSpec{"--recipes", "", true, false},        OptionSpec{"--operator", "", true, false},
    OptionSpec{"--galvanostat-port", "", true, false}, OptionSpec{"--pump-port", "", true, false},
};

constexpr std::string_view doctor_help =
    R"(Usage: edc doctor [--json] [--no-probe] [--db PATH] [--galvanostat-port P] [--pump-port P]

Checks this PC for a run, one line per check with the fix for each problem: group dialout,
udev rules, /dev/edc-galvanostat and /dev/edc-pump, FTDI latency timer, ModemManager, the
instruments answering (*IDN?, pump version; skipped while a run is in progress), the journal
database and its schema, real-time scheduling, clock source. Ports and database come from
~/.config/edc/edc.toml unless given here (see `edc config`).

Options:
  --no-probe    do not ask the instruments
  --json        {"ok": bool, "checks": [{name, status, message, fix}]}
  -v, --verbose debug logging
  -h, --help    this text

Exit codes: 0 no check failed (warnings allowed), 1 a check failed.
)";

constexpr std::string_view config_help =
    R"(Usage: edc config [--json] [--db PATH] [--recipes DIR] [--operator NAME]
                  [--galvanostat-port P] [--pump-port P]

Prints the effective settings and where each came from: built-in default,
~/.config/edc/edc.toml ($XDG_CONFIG_HOME) with its line, or a command-line option.

Options:
  --json        {"config_file", "config_file_found", "settings": {key: {value, origin, where, option}}}
  -v, --verbose debug logging
  -h, --help    this text
)";

// The settings with this command's options applied over edc.toml; nullopt after printing the error.
std::optional<config::Settings> effective_settings(const ParsedArgs& args, Console& console) {
    std::vector<config::Override> overrides;
    for (const config::SettingKey& k : config::setting_keys()) {
        if (auto v = args.value(k.option)) overrides.push_back({std::string(k.option), *v});
    }
    auto settings = config::load(config::Environment::from_process(), overrides);
    if (!settings) {
        report_error(console, settings.error());
        return std::nullopt;
    }
    return *settings;
}

int run_doctor(const ParsedArgs& args, Console& console) {
    if (!args.positional.empty()) return usage_error(console, "doctor", "doctor: unexpected argument '" + args.positional.front() + "'");
    const auto s = effective_settings(args, console);
    if (!s) return exit_code::failure;
    doctor::DoctorOptions o;
    o.galvanostat_port = s->galvanostat_port.value;
    o.pump_port = s->pump_port.value;
    o.database_path = s->database.value;
    if (!args.has("--no-probe")) o.probe = doctor::make_driver_prober();
    o.json = args.has("--json");
    return doctor::run(o, console.out);
}

int run_config(const ParsedArgs& args, Console& console) {
    if (!args.positional.empty()) return usage_error(console, "config", "config: unexpected argument '" + args.positional.front() + "'");
    const auto s = effective_settings(args, console);
    if (!s) return exit_code::failure;
    if (args.has("--json")) {
        config::print_settings_json(*s, console.out);
    } else {
        config::print_settings(*s, console.out);
    }
    return exit_code::success;
}

}  // namespace

const Command& doctor_command() {
    static const Command command{"doctor", "check this PC for a run (groups, udev, ports, instruments, ...)",
                                 doctor_help, doctor_options, run_doctor};
    return command;
}

const Command& config_command() {
    static const Command command{"config", "print the effective settings and where each came from", config_help,
                                 config_options, run_config};
    return command;
}

}  // namespace edc::cli
