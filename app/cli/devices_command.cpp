// edc devices [--json] [--probe]
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <filesystem>

#include "app/cli/cli.hpp"
#include "app/cli/command_support.hpp"
#include "app/cli/commands.hpp"
#include "drivers/io/io_thread.hpp"
#include "drivers/io/open_transport.hpp"
#include "drivers/io/port_discovery.hpp"
#include "drivers/registry/instrument_probe.hpp"

namespace edc::cli {
namespace {

using json = nlohmann::ordered_json;
using namespace std::chrono_literals;

constexpr std::array devices_options{
    OptionSpec{"--json", "", false, false},
    OptionSpec{"--probe", "", false, false},
};

constexpr std::string_view devices_help =
    R"(Usage: edc devices [--json] [--probe] [PORT...]

Lists the serial ports with their USB identities (vendor:product, serial number, USB port
path) and the stable names udev gave them (/dev/edc-galvanostat, /dev/edc-pump), so the
recipe's [galvanostat] and [pump] ports can be filled in. Given PORTs (device paths, such as
edc-sim's pseudo-terminals, or tcp://host:5025 for a Keithley 2450), only those are shown.

Options:
  --probe       ask each port who answers, with identity queries only: *IDN? at 9600 baud
                (Keithley 2400), New Era VER at 19200 baud (basic mode, then as a safe-mode
                packet), Harvard Elite / KD Scientific Legato `ver` at 115200 baud, PalmSens
                EmStat Pico / EmStat4 MethodSCRIPT `t` (after a newline); *IDN? over
                TCP for tcp:// ports (Keithley 2450/2460/2461, Keysight B2901A/B2902A).
                Nothing is configured, no output or motor is switched on, no NVRAM setting
                is changed. (A New Era pump's power-up alarm is acknowledged by any query.)
  --json        a JSON array of ports
  -v, --verbose debug logging
  -h, --help    this text
)";

// The udev names of the install rules (udev/), resolved to the kernel device they point to.
constexpr std::array stable_names{"/dev/edc-galvanostat", "/dev/edc-pump"};

std::vector<std::string> aliases_of(const std::string& device) {
    std::vector<std::string> names;
    for (const char* name : stable_names) {
        std::error_code ec;
        const auto target = std::filesystem::canonical(name, ec);
        if (!ec && target == std::filesystem::path(device)) names.emplace_back(name);
    }
    return names;
}

struct ProbeAnswer {
    std::string instrument;  // "keithley-2400", "keysight-b2901a", "ne-1000", "kds-legato-100", ...; empty:
                             // nothing answered
    std::string identity;
    std::string detail;  // what each attempt said when nothing answered; the probe's note otherwise
};

// The registry's probe (drivers/registry/instrument_probe.hpp): identity queries only.
ProbeAnswer probe_port(const std::string& port, io::IoThread& io) {
    ProbeOptions options;
    options.timeout = 700ms;
    options.connect_timeout = 2000ms;
    const ProbeAnyResult r = probe_any(port, options, io);
    if (r.identity) return {r.identity->model, r.identity->identity, r.identity->note};
    std::vector<std::string> tried;
    tried.reserve(r.tried.size());
    for (const auto& t : r.tried) tried.push_back(t.what + ": " + t.error.message);
    return {{}, {}, fmt::format("{}", fmt::join(tried, "; "))};
}

// Every enumerated port, or only the ones named (which need not be enumerable: PTYs, TCP).
Result<std::vector<io::PortInfo>> select_ports(const std::vector<std::string>& names) {
    auto found = io::list_serial_ports();
    if (names.empty() || !found) return found;
    std::vector<io::PortInfo> ports;
    for (const auto& name : names) {
        std::error_code ec;
        const auto real =
            io::is_tcp_port(name) ? std::filesystem::path(name) : std::filesystem::canonical(name, ec);
        io::PortInfo info;
        info.name = name;
        info.transport = io::is_tcp_port(name) ? "tcp" : "not enumerated";
        for (const auto& p : *found) {
            if (!ec && std::filesystem::path(p.name) == real) info = p;
        }
        info.name = name;
        ports.push_back(std::move(info));
    }
    return ports;
}

std::string hex4(const std::optional<int>& v) {
    return v ? fmt::format("{:04x}", *v) : std::string();
}

int run_devices(const ParsedArgs& args, Console& console) {
    auto ports = select_ports(args.positional);
    if (!ports) return report_error(console, ports.error());
    const bool probe = args.has("--probe");
    const bool as_json = args.has("--json");

    std::vector<std::optional<ProbeAnswer>> answers(ports->size());
    if (probe && !ports->empty()) {
        io::IoThread io;
        for (std::size_t i = 0; i < ports->size(); ++i) {
            spdlog::debug("probing {}", (*ports)[i].name);
            answers[i] = probe_port((*ports)[i].name, io);
        }
    }

    if (as_json) {
        json list = json::array();
        for (std::size_t i = 0; i < ports->size(); ++i) {
            const auto& p = (*ports)[i];
            json entry{{"port", p.name},
                       {"aliases", aliases_of(p.name)},
                       {"description", p.description},
                       {"transport", p.transport},
                       {"usb_id", io::usb_id(p)},
                       {"usb_vid", hex4(p.usb_vid)},
                       {"usb_pid", hex4(p.usb_pid)},
                       {"usb_serial", p.usb_serial},
                       {"usb_manufacturer", p.usb_manufacturer},
                       {"usb_product", p.usb_product},
                       {"usb_port_path", p.usb_port_path}};
            if (const auto& answer = answers[i]) {
                entry["probe"] = {
                    {"instrument", answer->instrument.empty() ? json(nullptr) : json(answer->instrument)},
                    {"identity", answer->identity},
                    {"detail", answer->detail}};
            }
            list.push_back(std::move(entry));
        }
        write_json(console.out, list);
        return exit_code::success;
    }

    if (ports->empty()) {
        console.out << "no serial ports found (pseudo-terminals of edc-sim are not listed)\n";
        return exit_code::success;
    }
    for (std::size_t i = 0; i < ports->size(); ++i) {
        const auto& p = (*ports)[i];
        const auto aliases = aliases_of(p.name);
        console.out << fmt::format(
            "{}{}\n", p.name,
            aliases.empty() ? std::string() : fmt::format(" ({})", fmt::join(aliases, ", ")));
        console.out << fmt::format("  {}{}[{}]\n", p.description, p.description.empty() ? "" : " ",
                                   p.transport);
        if (p.usb_vid) {
            console.out << fmt::format("  usb {}  serial '{}'  {} / {}  port path {}\n", io::usb_id(p),
                                       p.usb_serial, p.usb_manufacturer, p.usb_product,
                                       p.usb_port_path.empty() ? "-" : p.usb_port_path);
        }
        if (const auto& answer = answers[i]) {
            const auto& a = *answer;
            if (a.instrument.empty()) {
                console.out << fmt::format("  probe: no instrument answered ({})\n", a.detail);
            } else {
                console.out << fmt::format("  probe: {} answers \"{}\"{}\n", a.instrument, a.identity,
                                           a.detail.empty() ? std::string() : " (" + a.detail + ")");
            }
        }
    }
    return exit_code::success;
}

}  // namespace

const Command& devices_command() {
    static const Command command{"devices", "list serial ports and, with --probe, what answers on them",
                                 devices_help, devices_options, run_devices};
    return command;
}

}  // namespace edc::cli
