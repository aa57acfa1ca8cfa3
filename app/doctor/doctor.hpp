#pragma once
// `edc doctor`: what goes wrong on a new bench PC, one line per check, with the fix.
// FAIL: a run cannot start, or the ports are not safely ours (exit code 1). warn: runs work
// with worse timing (FTDI latency, no SCHED_FIFO, slow clock source) or need a step first
// (an older journal schema). skip: nothing to check here.
//
// Every system path (/dev, /sys, /proc, /etc, /lib, /usr/lib) is read under `root`, so tests
// build a fake tree in a temporary folder. The instrument probe and the real-time probe are
// callables, so this library needs no driver code and tests need no privileges.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/error.hpp"

namespace edc::doctor {

enum class Status { ok, warn, fail, skip };

[[nodiscard]] std::string_view to_string(Status s) noexcept;  // "ok", "warn", "FAIL", "skip"

struct Check {
    std::string name;  // stable id: "group", "udev-rules", "device-names", "latency-timer",
                       // "modemmanager", "instruments", "database", "realtime", "clocksource"
    Status status = Status::skip;
    std::string message;  // what was found
    std::string fix;      // what to do; empty when nothing is to be done
};

// What asking an instrument who it is needs; the answer is its identity string (*IDN?, pump
// firmware) or the error that came back.
struct ProbeRequest {
    std::string role;   // "galvanostat" or "pump"
    std::string model;  // "keithley-2400", "keithley-2450", "ne-1000", "harvard-elite"
    std::string port;   // device path, or tcp://host:port
};
using Prober = std::function<Result<std::string>(const ProbeRequest&)>;

struct RealtimeProbe {
    bool fifo_granted = false;
    int fifo_errno = 0;                                // why not, when not granted
    std::optional<std::uint64_t> memlock_limit_bytes;  // nullopt: unlimited
};

struct DoctorOptions {
    std::filesystem::path root = "/";
    // Whose group membership to check; empty: the effective user (password database).
    std::string user;
    // Group names this login session has; nullopt: getgroups() of this process.
    std::optional<std::vector<std::string>> session_groups;
    std::string serial_group = "dialout";

    std::string galvanostat_model = "keithley-2400";
    std::string galvanostat_port = "/dev/edc-galvanostat";  // empty: no galvanostat configured
    std::string pump_model = "ne-1000";
    std::string pump_port = "/dev/edc-pump";  // empty: no pump on this bench

    std::string database_path;  // empty: database not checked
    Prober probe;               // empty: instruments not asked (line says so)
    int fifo_priority = 80;     // what the scheduler loop asks for (control/loop LoopOptions)
    std::function<RealtimeProbe(int priority)> realtime;  // empty: probe_realtime
    bool json = false;
};

// Each check on its own (tests call them one by one).
[[nodiscard]] Check check_group(const DoctorOptions& o);
[[nodiscard]] Check check_udev_rules(const DoctorOptions& o);
[[nodiscard]] Check check_device_names(const DoctorOptions& o);
[[nodiscard]] Check check_latency_timer(const DoctorOptions& o);
[[nodiscard]] Check check_modemmanager(const DoctorOptions& o);
[[nodiscard]] Check check_instruments(const DoctorOptions& o);
[[nodiscard]] Check check_database(const DoctorOptions& o);
[[nodiscard]] Check check_realtime(const DoctorOptions& o);
[[nodiscard]] Check check_clocksource(const DoctorOptions& o);

// All checks, in the order above.
[[nodiscard]] std::vector<Check> run_checks(const DoctorOptions& o);

// Runs the checks and prints them (text, or JSON when o.json). Returns 0 when no check
// failed (warnings allowed), 1 otherwise.
int run(const DoctorOptions& o, std::ostream& out);

void print_checks(const std::vector<Check>& checks, std::ostream& out);
void print_checks_json(const std::vector<Check>& checks, std::ostream& out);

// Tries SCHED_FIFO at `priority` on a throwaway thread and reads RLIMIT_MEMLOCK.
[[nodiscard]] RealtimeProbe probe_realtime(int priority);

// A run in progress in the journal at `database_path` (its lock file is held): its id.
[[nodiscard]] std::optional<std::int64_t> active_run(const std::string& database_path);

}  // namespace edc::doctor
