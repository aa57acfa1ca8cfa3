// The checks that read the system: serial group, udev rules, device names, FTDI latency,
// ModemManager, clock source. FAIL means a run cannot start or the ports are not ours;
// warn means runs work but with worse timing.
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <sstream>

#include "app/config/passwd_entry.hpp"
#include "app/doctor/doctor.hpp"
#include "app/doctor/system_files.hpp"

namespace edc::doctor {
namespace {

using detail::under;

struct GroupEntry {
    unsigned gid = 0;
    std::vector<std::string> members;
};

// name -> entry, from <root>/etc/group ("name:x:gid:a,b,c").
std::map<std::string, GroupEntry, std::less<>> read_groups(const std::filesystem::path& root) {
    std::map<std::string, GroupEntry, std::less<>> groups;
    const auto text = detail::read_text(under(root, "/etc/group"));
    if (!text) return groups;
    std::istringstream lines(*text);
    std::string line;
    while (std::getline(lines, line)) {
        std::vector<std::string> fields;
        std::istringstream f(line);
        std::string field;
        while (std::getline(f, field, ':')) fields.push_back(field);
        if (line.ends_with(':')) fields.emplace_back();
        if (fields.size() < 3) continue;
        GroupEntry e;
        std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), e.gid);
        if (fields.size() > 3) {
            std::istringstream m(fields[3]);
            std::string member;
            while (std::getline(m, member, ',')) {
                if (!member.empty()) e.members.push_back(member);
            }
        }
        groups[fields[0]] = std::move(e);
    }
    return groups;
}

// The user's primary group id from <root>/etc/passwd ("name:x:uid:gid:...").
std::optional<unsigned> primary_gid(const std::filesystem::path& root, const std::string& user) {
    const auto text = detail::read_text(under(root, "/etc/passwd"));
    if (!text) return std::nullopt;
    std::istringstream lines(*text);
    std::string line;
    while (std::getline(lines, line)) {
        std::vector<std::string> fields;
        std::istringstream f(line);
        std::string field;
        while (std::getline(f, field, ':')) fields.push_back(field);
        if (fields.size() < 4 || fields[0] != user) continue;
        unsigned gid = 0;
        if (std::from_chars(fields[3].data(), fields[3].data() + fields[3].size(), gid).ec == std::errc())
            return gid;
    }
    return std::nullopt;
}

std::string effective_user() {
    if (auto entry = config::passwd_entry(::geteuid()); entry && !entry->name.empty()) return entry->name;
    return fmt::format("uid {}", ::geteuid());
}

// Names of the groups this process holds, translated with the same group file.
std::vector<std::string> process_groups(const std::map<std::string, GroupEntry, std::less<>>& groups) {
    std::vector<gid_t> ids(static_cast<std::size_t>(std::max(::getgroups(0, nullptr), 0)) + 1);
    const int n = ::getgroups(static_cast<int>(ids.size() - 1), ids.data());
    ids.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    ids.push_back(::getegid());
    std::vector<std::string> names;
    for (const auto& [name, entry] : groups) {
        if (std::find(ids.begin(), ids.end(), static_cast<gid_t>(entry.gid)) != ids.end())
            names.push_back(name);
    }
    return names;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

constexpr std::string_view reload_udev = "sudo udevadm control --reload-rules && sudo udevadm trigger";

}  // namespace

Check check_group(const DoctorOptions& o) {
    Check c{"group", Status::ok, {}, {}};
    const std::string user = o.user.empty() ? effective_user() : o.user;
    const std::string& group = o.serial_group;
    if (user == "root") {
        c.message =
            "running as root: serial ports open without group membership (run edc as the operator instead)";
        return c;
    }
    const auto groups = read_groups(o.root);
    const auto entry = groups.find(group);
    if (entry == groups.end()) {
        c.status = Status::fail;
        c.message =
            fmt::format("no group '{}' in /etc/group: nobody but root can open the serial ports", group);
        c.fix = fmt::format("sudo groupadd --system {} && sudo usermod -aG {} {}", group, group, user);
        return c;
    }
    const bool in_file =
        contains(entry->second.members, user) || primary_gid(o.root, user) == entry->second.gid;
    const std::vector<std::string> session = o.session_groups ? *o.session_groups : process_groups(groups);
    if (contains(session, group)) {
        c.message = fmt::format("{} is in group {} (serial ports)", user, group);
    } else if (in_file) {
        c.status = Status::fail;
        c.message =
            fmt::format("{} was added to group {}, but this login session started before that", user, group);
        c.fix = fmt::format("log out and in again (or start a shell with `newgrp {}`)", group);
    } else {
        c.status = Status::fail;
        c.message = fmt::format("{} is not in group {}: the instrument ports will not open", user, group);
        c.fix = fmt::format("sudo usermod -aG {} {}, then log out and in again", group, user);
    }
    return c;
}

Check check_udev_rules(const DoctorOptions& o) {
    Check c{"udev-rules", Status::ok, {}, {}};
    const auto rules = detail::find_udev_rules(o.root);
    if (!rules) {
        c.status = Status::fail;
        c.message = "99-edc.rules is in none of /etc/udev/rules.d, /usr/lib/udev/rules.d, /lib/udev/rules.d";
        c.fix = fmt::format(
            "install the edc package (or `sudo udev/install.sh` from the source tree), then {}", reload_udev);
        return c;
    }
    const auto text = detail::read_text(under(o.root, *rules)).value_or("");
    if (text.find("edc-galvanostat") == std::string::npos && text.find("edc-pump") == std::string::npos) {
        c.status = Status::fail;
        c.message = fmt::format("{} names neither /dev/edc-galvanostat nor /dev/edc-pump", *rules);
        c.fix =
            "reinstall it from the edc package (udev/99-edc.rules) and put your adapters' serial numbers in";
        return c;
    }
    c.message = fmt::format("{} installed", *rules);
    return c;
}

Check check_device_names(const DoctorOptions& o) {
    Check c{"device-names", Status::ok, {}, {}};
    std::vector<std::string> found, missing, unstable;
    const std::pair<const char*, const std::string*> ports[] = {{"galvanostat", &o.galvanostat_port},
                                                                {"pump", &o.pump_port}};
    for (const auto& [role, port] : ports) {
        if (port->empty() || port->starts_with("tcp://") || !port->starts_with('/'))
            continue;  // network instrument
        if (!detail::resolve_under(o.root, *port)) {
            missing.push_back(fmt::format("{} {}", role, *port));
        } else if (port->starts_with("/dev/edc-")) {
            found.push_back(*port);
        } else {
            unstable.push_back(*port);
        }
    }
    if (found.empty() && missing.empty() && unstable.empty()) {
        c.status = Status::skip;
        c.message = "no serial port configured (network instruments only)";
        return c;
    }
    if (!missing.empty()) {
        c.status = Status::fail;
        c.message = fmt::format("missing: {}", fmt::join(missing, ", "));
        c.fix = fmt::format(
            "plug the adapter in; `edc devices` shows its vendor:product and serial number: put them in "
            "99-edc.rules (ATTRS{{serial}}), then {}",
            reload_udev);
    } else if (!unstable.empty()) {
        c.status = Status::warn;
        c.message = fmt::format("{} present but not a stable name (may change when re-plugged)",
                                fmt::join(unstable, ", "));
        c.fix = "give the adapter a name in 99-edc.rules and use /dev/edc-galvanostat or /dev/edc-pump";
    } else {
        c.message = fmt::format("{} present", fmt::join(found, ", "));
    }
    return c;
}

Check check_latency_timer(const DoctorOptions& o) {
    Check c{"latency-timer", Status::ok, {}, {}};
    const auto dir = under(o.root, "/sys/bus/usb-serial/devices");
    std::error_code ec;
    std::vector<std::filesystem::path> devices;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) devices.push_back(entry.path());
    std::sort(devices.begin(), devices.end());
    std::vector<std::string> fast, slow;
    for (const auto& d : devices) {
        const auto value = detail::read_first_line(d / "latency_timer");
        if (!value) continue;  // not an FTDI adapter: no latency timer
        int ms = 0;
        std::from_chars(value->data(), value->data() + value->size(), ms);
        const std::string name = d.filename().string();
        (ms <= 1 ? fast : slow).push_back(fmt::format("{} {} ms", name, ms));
    }
    if (fast.empty() && slow.empty()) {
        c.status = Status::skip;
        c.message = "no FTDI adapter plugged in (only FTDI adapters have a latency timer)";
        return c;
    }
    if (!slow.empty()) {
        c.status = Status::warn;
        c.message = fmt::format("FTDI latency timer {} (each reply up to 15 ms late; want 1 ms)",
                                fmt::join(slow, ", "));
        const std::string first = slow.front().substr(0, slow.front().find(' '));
        c.fix = fmt::format(
            "99-edc.rules sets 1 ms when the adapter is plugged in: install it and re-plug; for now: "
            "echo 1 | sudo tee /sys/bus/usb-serial/devices/{}/latency_timer",
            first);
        return c;
    }
    c.message = fmt::format("FTDI latency timer {}", fmt::join(fast, ", "));
    return c;
}

Check check_modemmanager(const DoctorOptions& o) {
    Check c{"modemmanager", Status::ok, {}, {}};
    bool running = false;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(under(o.root, "/proc"), ec)) {
        const std::string pid = entry.path().filename().string();
        if (pid.empty() ||
            !std::all_of(pid.begin(), pid.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
            continue;
        if (detail::read_first_line(entry.path() / "comm") == "ModemManager") {
            running = true;
            break;
        }
    }
    if (!running) {
        c.message = "ModemManager is not running";
        return c;
    }
    if (const auto rules = detail::find_udev_rules(o.root)) {
        const auto text = detail::read_text(under(o.root, *rules)).value_or("");
        if (text.find("ID_MM_DEVICE_IGNORE") != std::string::npos) {
            c.message = fmt::format("ModemManager is running; {} tells it to leave the instrument ports alone",
                                    *rules);
            return c;
        }
    }
    c.status = Status::fail;
    c.message =
        "ModemManager is running and nothing tells it to ignore the instrument ports (it probes them for ~30 "
        "s "
        "after plug-in, writing AT commands)";
    c.fix = fmt::format(
        "install 99-edc.rules (sets ENV{{ID_MM_DEVICE_IGNORE}}=\"1\") and {}; or, with no modem on "
        "this PC: sudo systemctl disable --now ModemManager",
        reload_udev);
    return c;
}

Check check_clocksource(const DoctorOptions& o) {
    Check c{"clocksource", Status::ok, {}, {}};
    constexpr std::string_view path = "/sys/devices/system/clocksource/clocksource0/current_clocksource";
    const auto source = detail::read_first_line(under(o.root, path));
    if (!source || source->empty()) {
        c.status = Status::skip;
        c.message = fmt::format("{} not readable", path);
        return c;
    }
    constexpr std::string_view fast[] = {"tsc", "kvm-clock", "arch_sys_counter",
                                         "hyperv_clocksource_tsc_page"};
    if (std::find(std::begin(fast), std::end(fast), *source) != std::end(fast)) {
        c.message = fmt::format("clock source {} (cheap, stable clock reads)", *source);
        return c;
    }
    c.status = Status::warn;
    c.message = fmt::format(
        "clock source {}: each clock read costs about a microsecond and the kernel may have "
        "found the TSC unstable",
        *source);
    c.fix =
        "see `sudo dmesg | grep -i clocksource`; if available_clocksource lists tsc: echo tsc | sudo tee "
        "/sys/devices/system/clocksource/clocksource0/current_clocksource (kernel option clocksource=tsc "
        "keeps it)";
    return c;
}

}  // namespace edc::doctor
