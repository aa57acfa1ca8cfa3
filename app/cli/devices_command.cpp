// edc devices [--json] [--probe]
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <filesystem>

#include "app/cli/cli.hpp"
#include "app/cli/command_support.hpp"
#include "app/cli/commands.hpp"
#include "drivers/galvanostat/galvanostat_factory.hpp"
#include "drivers/galvanostat/scpi_dialect.hpp"
#include "drivers/io/io_thread.hpp"
#include "drivers/io/open_transport.hpp"
#include "drivers/io/port_discovery.hpp"
#include "drivers/io/serial_transport.hpp"
#include "drivers/pump/harvard_pump.hpp"
#include "drivers/pump/legato_protocol.hpp"
#include "drivers/pump/newera_pump.hpp"

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
  --probe       ask each port who answers: *IDN? at 9600 baud (Keithley 2400), the New Era
                version query at 19200 baud, the Harvard Elite version at 115200 baud;
                *IDN? over TCP for tcp:// ports (Keithley 2450).
                Queries only: nothing is configured, no output is switched on.
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
    std::string instrument;  // "keithley-2400", "keysight-b2901a", "ne-1000", "kds-legato-100", ...; empty: nothing answered
    std::string identity;
    std::string detail;  // what each attempt said, when nothing answered
};

ProbeAnswer probe_port(const std::string& port, io::IoThread& io) {
    ProbeAnswer answer;
    std::vector<std::string> tried;
    if (io::is_tcp_port(port)) {
        const GalvanostatOptions options{.timeout = 700ms, .connect_timeout = 2000ms};
        // Every LAN source-meter answers *IDN? the same way; its answer names the model.
        auto g = make_galvanostat("keithley-2450", port, options, io);
        if (!g) return {{}, {}, "connect: " + g.error().message};
        auto id = (*g)->identify();
        if (!id) return {{}, {}, "*IDN?: " + id.error().code};
        const ScpiDialect* d = find_scpi_dialect_by_identity(*id);
        if (d == nullptr) return {{}, *id, "answers *IDN? but is none of: " + scpi_dialect_names()};
        return {d->model, *id, {}};
    }
    {
        const GalvanostatOptions options{.timeout = 700ms};
        auto g = make_galvanostat("keithley-2400", port, options, io);
        if (g) {
            if (auto id = (*g)->identify())
                return {"keithley-2400", *id, {}};
            else
                tried.push_back("*IDN? at 9600: " + id.error().code);
        } else {
            tried.push_back("open: " + g.error().message);
            answer.detail = fmt::format("{}", fmt::join(tried, "; "));
            return answer;  // the port itself cannot be opened: no point trying other bauds
        }
    }
    if (auto t = io::open_serial(port, io::SerialSettings{19200}, io)) {
        NewEraPump pump(std::move(*t), NewEraOptions{0, 700ms});
        if (auto id = pump.identify())
            return {"ne-1000", *id, {}};
        else
            tried.push_back("New Era VER at 19200: " + id.error().code);
    }
    if (auto t = io::open_serial(port, io::SerialSettings{115200}, io)) {
        // One `ver` for both: the KD Scientific Legato runs the Elite's firmware family and names
        // itself in the same reply ("Legato 100 ...").
        HarvardPump pump(std::move(*t), HarvardOptions{0, 700ms});
        if (auto id = pump.identify()) {
            if (const auto* legato = legato::model_of_ver(*id)) return {std::string(legato->recipe_name), *id, {}};
            return {"harvard-elite", *id, {}};
        } else {
            tried.push_back("Harvard/Legato ver at 115200: " + id.error().code);
        }
    }
    answer.detail = fmt::format("{}", fmt::join(tried, "; "));
    return answer;
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
                console.out << fmt::format("  probe: {} answers \"{}\"\n", a.instrument, a.identity);
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
