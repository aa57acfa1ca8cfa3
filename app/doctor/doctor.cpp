#include "app/doctor/doctor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

namespace edc::doctor {

std::string_view to_string(Status s) noexcept {
    switch (s) {
        case Status::ok:
            return "ok";
        case Status::warn:
            return "warn";
        case Status::fail:
            return "FAIL";
        case Status::skip:
            return "skip";
    }
    return "skip";
}

std::vector<Check> run_checks(const DoctorOptions& o) {
    return {check_group(o),         check_udev_rules(o),   check_device_names(o),
            check_latency_timer(o), check_modemmanager(o), check_instruments(o),
            check_database(o),      check_realtime(o),     check_clocksource(o)};
}

void print_checks(const std::vector<Check>& checks, std::ostream& out) {
    std::size_t width = 0;
    for (const Check& c : checks) width = std::max(width, c.name.size());
    int failed = 0;
    int warned = 0;
    for (const Check& c : checks) {
        out << fmt::format("{:<5} {:<{}}  {}\n", to_string(c.status), c.name, width, c.message);
        if (!c.fix.empty()) out << fmt::format("{:<5} {:<{}}  fix: {}\n", "", "", width, c.fix);
        failed += c.status == Status::fail ? 1 : 0;
        warned += c.status == Status::warn ? 1 : 0;
    }
    if (failed == 0 && warned == 0) {
        out << "all checks passed\n";
    } else {
        out << fmt::format("{} failed, {} warning{}\n", failed, warned, warned == 1 ? "" : "s");
    }
}

void print_checks_json(const std::vector<Check>& checks, std::ostream& out) {
    nlohmann::json list = nlohmann::json::array();
    bool ok = true;
    for (const Check& c : checks) {
        const std::string status = c.status == Status::fail ? "fail" : std::string(to_string(c.status));
        list.push_back({{"name", c.name}, {"status", status}, {"message", c.message}, {"fix", c.fix}});
        ok = ok && c.status != Status::fail;
    }
    out << nlohmann::json{{"ok", ok}, {"checks", list}}.dump(2) << '\n';
}

int run(const DoctorOptions& o, std::ostream& out) {
    const std::vector<Check> checks = run_checks(o);
    if (o.json) {
        print_checks_json(checks, out);
    } else {
        print_checks(checks, out);
    }
    const bool failed =
        std::any_of(checks.begin(), checks.end(), [](const Check& c) { return c.status == Status::fail; });
    return failed ? 1 : 0;
}

}  // namespace edc::doctor
