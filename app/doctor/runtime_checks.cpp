// The checks that try things: instruments answering, the journal database, real-time
// scheduling. None of them changes anything: the database is opened read-only (RunJournal::open
// would migrate it), and instruments are only asked who they are.
#include <fcntl.h>
#include <fmt/format.h>
#include <pthread.h>
#include <sched.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <thread>

#include "app/doctor/doctor.hpp"
#include "app/doctor/system_files.hpp"
#include "app/journal/run_journal.hpp"

namespace edc::doctor {
namespace {

std::string errno_name(int e) {
    return e == EPERM ? "EPERM" : std::string(std::strerror(e));
}

std::string mib(std::uint64_t bytes) {
    return fmt::format("{:.0f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

// The nearest path that exists at or above `p` (a file there means the folder cannot be made).
std::filesystem::path existing_ancestor(std::filesystem::path p) {
    std::error_code ec;
    while (!p.empty() && !std::filesystem::exists(p, ec)) {
        if (p == p.parent_path()) break;
        p = p.parent_path();
    }
    return p.empty() ? std::filesystem::path(".") : p;
}

Result<int> schema_version_readonly(const std::string& path) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    if (rc != SQLITE_OK) {
        const std::string why = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close(db);
        return fail("journal_error", why, path);
    }
    sqlite3_stmt* st = nullptr;
    int version = -1;
    std::string why;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        version = sqlite3_column_int(st, 0);
    } else {
        why = sqlite3_errmsg(db);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (version < 0) return fail("journal_error", why, path);
    return version;
}

constexpr std::string_view db_fix_hint =
    "choose another file: `database = \"...\"` in ~/.config/edc/edc.toml, or --db PATH";

}  // namespace

std::optional<std::int64_t> active_run(const std::string& database_path) {
    if (database_path.empty()) return std::nullopt;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(database_path + ".locks", ec)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with("run-") || !name.ends_with(".lock")) continue;
        const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
        ::close(fd);  // also drops our shared lock, if we got it
        if (!held) continue;
        std::int64_t id = 0;
        const std::string digits = name.substr(4, name.size() - 9);
        std::from_chars(digits.data(), digits.data() + digits.size(), id);
        return id;
    }
    return std::nullopt;
}

Check check_instruments(const DoctorOptions& o) {
    Check c{"instruments", Status::ok, {}, {}};
    if (!o.probe) {
        c.status = Status::skip;
        c.message = "instruments not asked";
        return c;
    }
    if (const auto run = active_run(o.database_path)) {
        c.status = Status::skip;
        c.message = fmt::format("run {} is in progress: its instruments are not disturbed", *run);
        return c;
    }
    std::vector<std::string> answers, silent;
    // A galvanostat on the network answers *IDN? with its model (the prober asks the registry).
    const ProbeRequest requests[] = {{"galvanostat", o.galvanostat_model, o.galvanostat_port},
                                     {"pump", o.pump_model, o.pump_port}};
    for (const ProbeRequest& r : requests) {
        if (r.port.empty()) continue;
        if (r.port.starts_with('/') && !detail::resolve_under(o.root, r.port)) {
            silent.push_back(fmt::format("{} ({}) on {}: no such device", r.role, r.model, r.port));
            continue;
        }
        if (auto id = o.probe(r)) {
            answers.push_back(fmt::format("{} on {}: {}", r.role, r.port, *id));
        } else {
            silent.push_back(fmt::format("{} ({}) on {}: {}", r.role, r.model, r.port, id.error().message));
        }
    }
    if (answers.empty() && silent.empty()) {
        c.status = Status::skip;
        c.message = "no instrument port configured";
        return c;
    }
    if (!silent.empty()) {
        c.status = Status::fail;
        c.message = fmt::format("no answer from {}", fmt::join(silent, "; "));
        c.fix =
            "check power, cable and settings (Keithley 2400: RS-232 9600 8N1, terminator CR; LAN "
            "source-meters: "
            "tcp://host:5025; New Era: 19200 baud, address 0; Harvard Elite, KD Scientific Legato: 115200); "
            "`edc devices --probe` shows who answers where";
        if (!answers.empty()) c.message += fmt::format("; answered: {}", fmt::join(answers, "; "));
        return c;
    }
    c.message = fmt::format("{}", fmt::join(answers, "; "));
    return c;
}

Check check_database(const DoctorOptions& o) {
    Check c{"database", Status::ok, {}, {}};
    const std::string& path = o.database_path;
    if (path.empty()) {
        c.status = Status::skip;
        c.message = "no database path given";
        return c;
    }
    std::error_code ec;
    const std::filesystem::path file(path);
    if (!std::filesystem::exists(file, ec)) {
        const auto ancestor = existing_ancestor(file.parent_path());
        if (!std::filesystem::is_directory(ancestor, ec)) {
            c.status = Status::fail;
            c.message = fmt::format("{} cannot be created: {} is not a folder", path, ancestor.string());
            c.fix = std::string(db_fix_hint);
        } else if (::access(ancestor.c_str(), W_OK | X_OK) != 0) {
            c.status = Status::fail;
            c.message = fmt::format("{} cannot be created: {} is not writable", path, ancestor.string());
            c.fix = std::string(db_fix_hint);
        } else {
            c.message = fmt::format("{} does not exist yet; it will be created on the first run", path);
        }
        return c;
    }
    if (!std::filesystem::is_regular_file(file, ec)) {
        c.status = Status::fail;
        c.message = fmt::format("{} is not a file", path);
        c.fix = std::string(db_fix_hint);
        return c;
    }
    // SQLite in WAL mode writes <db>-wal and <db>-shm beside the file: the folder must be writable too.
    const std::string folder = file.has_parent_path() ? file.parent_path().string() : std::string(".");
    if (::access(path.c_str(), W_OK) != 0 || ::access(folder.c_str(), W_OK | X_OK) != 0) {
        c.status = Status::fail;
        c.message = fmt::format("{} or its folder is not writable", path);
        c.fix = fmt::format("sudo chown $USER {} {}; or {}", path, folder, db_fix_hint);
        return c;
    }
    const auto version = schema_version_readonly(path);
    if (!version) {
        c.status = Status::fail;
        c.message = fmt::format("{} is not a readable SQLite database: {}", path, version.error().message);
        c.fix = fmt::format("move it aside (mv {} {}.bad); edc creates a new journal", path, path);
        return c;
    }
    const int current = journal::journal_schema_version;
    if (*version > current) {
        c.status = Status::fail;
        c.message = fmt::format("{}: schema {} is newer than this edc knows ({})", path, *version, current);
        c.fix = "install the newer edc that wrote it, or use another database";
    } else if (*version < current) {
        c.status = Status::warn;
        c.message = fmt::format("{}: schema {} (this edc: {}); it is migrated forward on the next run", path,
                                *version, current);
        c.fix = fmt::format("back it up first: sqlite3 {} \".backup {}.v{}\"", path, path, *version);
    } else {
        c.message = fmt::format("{} writable, schema {} (current)", path, *version);
    }
    return c;
}

RealtimeProbe probe_realtime(int priority) {
    RealtimeProbe p;
    // A throwaway thread: the caller's own scheduling stays as it was.
    std::thread([&p, priority] {
        sched_param want{};
        want.sched_priority = priority;
        const int rc = ::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &want);
        p.fifo_granted = rc == 0;
        p.fifo_errno = rc;
    }).join();
    rlimit lim{};
    if (::getrlimit(RLIMIT_MEMLOCK, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
        p.memlock_limit_bytes = lim.rlim_cur;
    return p;
}

Check check_realtime(const DoctorOptions& o) {
    Check c{"realtime", Status::ok, {}, {}};
    const RealtimeProbe p = o.realtime ? o.realtime(o.fifo_priority) : probe_realtime(o.fifo_priority);
    const std::string memlock =
        p.memlock_limit_bytes ? "memlock limit " + mib(*p.memlock_limit_bytes) : "memlock unlimited";
    if (p.fifo_granted) {
        c.message = fmt::format("SCHED_FIFO priority {} permitted; {}", o.fifo_priority, memlock);
        return c;
    }
    c.status = Status::warn;
    c.message = fmt::format(
        "SCHED_FIFO priority {} not permitted ({}): the control loop runs at normal priority and "
        "its timing suffers under load; {}",
        o.fifo_priority, errno_name(p.fifo_errno), memlock);
    c.fix =
        "add the lines `@dialout - rtprio 90` and `@dialout - memlock unlimited` to "
        "/etc/security/limits.d/99-edc.conf, then log out and in again";
    return c;
}

}  // namespace edc::doctor
