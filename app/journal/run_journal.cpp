#include "app/journal/run_journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>

#include "app/config/passwd_entry.hpp"
#include "app/journal/run_seal.hpp"
#include "app/journal/schema_migrations.hpp"
#include "control/text.hpp"
#include "recipes/format/sha256.hpp"

namespace edc::journal {
namespace {

using detail::exec;
using detail::sqlite_error;
using detail::Statement;
using detail::zero_hash;

std::string row_hash(int chain_version, std::string_view alg, const JournalKey* key, std::int64_t id,
                     const RunStart& s, const std::string& prev_hash) {
    return detail::link_hash(alg, key, detail::header_material(chain_version, id, s, prev_hash));
}

// Rolls back unless committed: every early return inside a transaction leaves the file as it was.
class Transaction {
public:
    explicit Transaction(sqlite3* db) : db_(db) {}
    ~Transaction() {
        if (open_) (void)exec(db_, "ROLLBACK");
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Result<void> begin(bool immediate) {
        auto r = exec(db_, immediate ? "BEGIN IMMEDIATE" : "BEGIN");
        open_ = r.has_value();
        return r;
    }
    Result<void> commit() {
        auto r = exec(db_, "COMMIT");
        if (r) open_ = false;
        return r;
    }

private:
    sqlite3* db_;
    bool open_ = false;
};

Result<void> step_done(sqlite3* db, Statement& st, std::string_view what) {
    const int rc = st.step();
    st.reset();
    if (rc != SQLITE_DONE) return std::unexpected(sqlite_error(db, rc, what));
    return {};
}

RunRecord read_run(const Statement& st) {
    RunRecord r;
    r.id = st.column_int(0);
    r.recipe_name = st.column_text(1);
    r.recipe_text = st.column_text(2);
    r.recipe_sha256 = st.column_text(3);
    r.software_version = st.column_text(4);
    r.git_revision = st.column_text(5);
    r.instruments_json = st.column_text(6);
    r.operator_name = st.column_text(7);
    r.started_at = st.column_text(8);
    if (!st.column_is_null(9)) r.ended_at = st.column_text(9);
    r.status = parse_run_status(st.column_text(10)).value_or(RunStatus::running);
    r.prev_hash = st.column_text(11);
    r.row_hash = st.column_text(12);
    r.sample_count = st.column_int(13);
    r.event_count = st.column_int(14);
    if (!st.column_is_null(15)) r.resumes_run = st.column_int(15);
    return r;
}

constexpr const char* run_columns =
    "SELECT r.id, r.recipe_name, r.recipe_text, r.recipe_sha256, r.software_version, r.git_revision, "
    "r.instruments, r.operator, r.started_at, r.ended_at, r.status, r.prev_hash, r.row_hash, "
    "(SELECT COUNT(*) FROM samples s WHERE s.run_id = r.id), "
    "(SELECT COUNT(*) FROM events e WHERE e.run_id = r.id), r.resumes_run FROM runs r ";

}  // namespace

std::string RunJournal::default_path() {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    std::filesystem::path base;
    if (xdg != nullptr && xdg[0] == '/') {
        base = xdg;
    } else {
        const char* env_home = std::getenv("HOME");
        std::string home = env_home != nullptr ? env_home : "";
        if (home.empty()) {
            const auto entry = config::passwd_entry(::getuid());
            home = entry && !entry->home.empty() ? entry->home : "/tmp";
        }
        base = std::filesystem::path(home) / ".local" / "share";
    }
    return (base / "edc" / "edc.sqlite").string();
}

Result<RunJournal> RunJournal::open(const std::string& path, const OpenOptions& options) {
    if (path.empty()) return fail("journal_error", "empty journal path; expected a file name", path);
    std::error_code ec;
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
        std::filesystem::create_directories(parent, ec);
        if (ec) {
            return fail("journal_error", strf("cannot create the directory %s: %s", parent.c_str(), ec.message().c_str()),
                        path);
        }
    }
    RunJournal j;
    j.path_ = path;
    j.vfs_ = options.vfs;
    const int rc = sqlite3_open_v2(path.c_str(), &j.db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                   options.vfs.empty() ? nullptr : options.vfs.c_str());
    if (rc != SQLITE_OK) return std::unexpected(sqlite_error(j.db_, rc, "open"));
    sqlite3_busy_timeout(j.db_, options.busy_timeout_ms);
    sqlite3_extended_result_codes(j.db_, 1);
    // WAL + synchronous=FULL: each commit fsyncs the WAL before it returns, so what a commit
    // reported stays through a power loss, not only through a killed process (NORMAL would leave
    // every commit since the last checkpoint in the OS cache). The price is one WAL fsync per
    // transaction; the writer commits samples in batches at most every flush interval (100 ms),
    // so that is at most ~10 sequential fsyncs a second (docs/reliability.md, "Journal faults").
    for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON"}) {
        Statement st(j.db_, pragma);
        if (!st.ok()) return std::unexpected(st.prepare_error());
        const int step = st.step();
        if (step != SQLITE_ROW && step != SQLITE_DONE) return std::unexpected(sqlite_error(j.db_, step, pragma));
        if (std::strcmp(pragma, "PRAGMA journal_mode = WAL") == 0 && st.column_text(0) != "wal") {
            return fail("journal_error", strf("%s: the database refused WAL mode (got %s)", path.c_str(),
                                              st.column_text(0).c_str()), path);
        }
    }
    if (auto m = j.migrate(); !m) return std::unexpected(m.error());
    {
        Statement id(j.db_, "SELECT value FROM meta WHERE key = 'journal_id'");
        if (!id.ok()) return std::unexpected(id.prepare_error());
        if (id.step() != SQLITE_ROW) return fail("journal_error", "the meta table has no journal_id", path);
        j.journal_id_ = id.column_text(0);
    }
    j.key_path_ = default_key_path();
    j.anchor_path_ = (std::filesystem::path(default_anchor_dir()) / j.journal_id_).string();
    if (options.mark_interrupted) {
        auto n = j.mark_interrupted();
        if (!n) return std::unexpected(n.error());
        j.interrupted_on_open_ = *n;
    }
    return j;
}

RunJournal::RunJournal(RunJournal&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      path_(std::move(other.path_)),
      vfs_(std::move(other.vfs_)),
      interrupted_on_open_(other.interrupted_on_open_),
      journal_id_(std::move(other.journal_id_)),
      key_path_(std::move(other.key_path_)),
      anchor_path_(std::move(other.anchor_path_)),
      key_(std::move(other.key_)),
      anchor_error_(std::move(other.anchor_error_)),
      statements_(std::move(other.statements_)),
      run_locks_(std::move(other.run_locks_)) {
    other.statements_.clear();
    other.run_locks_.clear();
}

RunJournal& RunJournal::operator=(RunJournal&& other) noexcept {
    if (this != &other) {
        close();
        db_ = std::exchange(other.db_, nullptr);
        path_ = std::move(other.path_);
        vfs_ = std::move(other.vfs_);
        interrupted_on_open_ = other.interrupted_on_open_;
        journal_id_ = std::move(other.journal_id_);
        key_path_ = std::move(other.key_path_);
        anchor_path_ = std::move(other.anchor_path_);
        key_ = std::move(other.key_);
        anchor_error_ = std::move(other.anchor_error_);
        statements_ = std::move(other.statements_);
        run_locks_ = std::move(other.run_locks_);
        other.statements_.clear();
        other.run_locks_.clear();
    }
    return *this;
}

RunJournal::~RunJournal() { close(); }

void RunJournal::close() noexcept {
    statements_.clear();  // finalize before closing the connection
    // Runs still open stay 'running' in the file; their locks go with this object, so the next
    // open() marks them interrupted (a clean program ends its runs first).
    for (const auto& [id, fd] : run_locks_) ::close(fd);
    run_locks_.clear();
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = nullptr;
}

Result<detail::Statement*> RunJournal::statement(const char* sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        Statement st(db_, sql);
        if (!st.ok()) return std::unexpected(st.prepare_error());
        it = statements_.emplace(sql, std::move(st)).first;
    }
    return &it->second;
}

int RunJournal::schema_version() const {
    Statement st(db_, "PRAGMA user_version");
    return st.ok() && st.step() == SQLITE_ROW ? static_cast<int>(st.column_int(0)) : -1;
}

Result<void> RunJournal::migrate() {
    const int current = schema_version();
    if (current < 0) return fail("journal_error", "cannot read PRAGMA user_version", path_);
    if (current > journal_schema_version) {
        return fail("journal_too_new",
                    strf("%s has journal schema version %d; this edc knows up to %d: use a newer edc", path_.c_str(),
                         current, journal_schema_version),
                    path_);
    }
    for (const auto& m : detail::migrations()) {
        if (m.to_version <= current) continue;
        Transaction tx(db_);
        if (auto r = tx.begin(true); !r) return r;
        // Another process may have migrated while we waited for the write lock.
        if (schema_version() >= m.to_version) continue;
        if (auto r = m.apply(db_); !r) {
            return fail("journal_error", strf("migration to schema v%d (%s) failed: %s", m.to_version, m.description,
                                              r.error().message.c_str()), path_);
        }
        if (auto r = exec(db_, strf("PRAGMA user_version = %d", m.to_version).c_str()); !r) return r;
        if (auto r = tx.commit(); !r) return r;
    }
    return {};
}

std::string RunJournal::lock_path(std::int64_t id) const {
    return path_ + ".locks/run-" + std::to_string(id) + ".lock";
}

Result<std::int64_t> RunJournal::begin_run(const RunStart& start_in) {
    RunStart start = start_in;
    if (start.started_at.empty()) start.started_at = utc_now_iso8601();
    std::error_code ec;
    std::filesystem::create_directories(path_ + ".locks", ec);
    if (ec) return fail("journal_error", strf("cannot create %s.locks: %s", path_.c_str(), ec.message().c_str()), path_);

    if (!key_) {
        auto key = load_or_create_key(key_path_);
        if (!key) return std::unexpected(key.error());
        key_ = std::move(*key);
    }

    Transaction tx(db_);
    if (auto r = tx.begin(true); !r) return std::unexpected(r.error());
    auto last = statement("SELECT row_hash FROM runs ORDER BY id DESC LIMIT 1");
    if (!last) return std::unexpected(last.error());
    std::string prev_hash = zero_hash;
    if ((*last)->step() == SQLITE_ROW) prev_hash = (*last)->column_text(0);
    (*last)->reset();

    auto insert = statement(
        "INSERT INTO runs (recipe_name, recipe_text, recipe_sha256, software_version, git_revision, instruments, "
        "operator, started_at, ended_at, status, prev_hash, row_hash, chain_version, hash_alg, resumes_run) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, 'running', ?9, '', ?10, 'hmac-sha256', ?11)");
    if (!insert) return std::unexpected(insert.error());
    Statement& in = **insert;
    in.bind(1, std::string_view(start.recipe_name));
    in.bind(2, std::string_view(start.recipe_text));
    in.bind(3, std::string_view(start.recipe_sha256));
    in.bind(4, std::string_view(start.software_version));
    in.bind(5, std::string_view(start.git_revision));
    in.bind(6, std::string_view(start.instruments_json.empty() ? "{}" : start.instruments_json));
    in.bind(7, std::string_view(start.operator_name));
    in.bind(8, std::string_view(start.started_at));
    in.bind(9, std::string_view(prev_hash));
    in.bind(10, std::int64_t{detail::chain_version_sealed});
    if (start.resumes_run) {
        in.bind(11, *start.resumes_run);
    } else {
        in.bind_null(11);
    }
    if (auto r = step_done(db_, in, "insert run"); !r) return std::unexpected(r.error());
    const std::int64_t id = sqlite3_last_insert_rowid(db_);
    if (start.instruments_json.empty()) start.instruments_json = "{}";

    auto update = statement("UPDATE runs SET row_hash = ?1 WHERE id = ?2");
    if (!update) return std::unexpected(update.error());
    (*update)->bind(1, std::string_view(row_hash(detail::chain_version_sealed, detail::alg_hmac_sha256, &*key_, id, start, prev_hash)));
    (*update)->bind(2, id);
    if (auto r = step_done(db_, **update, "hash run"); !r) return std::unexpected(r.error());

    // Lock before commit: no other connection ever sees this run 'running' without its lock.
    const std::string lock = lock_path(id);
    const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        if (fd >= 0) ::close(fd);
        return fail("journal_error", strf("cannot lock %s: %s", lock.c_str(), std::strerror(err)), path_);
    }
    if (auto r = tx.commit(); !r) {
        ::unlink(lock.c_str());
        ::close(fd);
        return std::unexpected(r.error());
    }
    run_locks_[id] = fd;
    return id;
}

Result<void> RunJournal::set_instruments(std::int64_t id, const std::string& instruments_json) {
    Transaction tx(db_);
    if (auto r = tx.begin(true); !r) return r;
    auto read = statement(
        "SELECT recipe_name, recipe_sha256, software_version, git_revision, operator, started_at, prev_hash, status, "
        "(SELECT MAX(id) FROM runs), chain_version, hash_alg FROM runs WHERE id = ?1");
    if (!read) return std::unexpected(read.error());
    Statement& q = **read;
    q.bind(1, id);
    if (q.step() != SQLITE_ROW) {
        q.reset();
        return fail("no_such_run", strf("no run %lld in %s", static_cast<long long>(id), path_.c_str()), path_);
    }
    RunStart s;
    s.recipe_name = q.column_text(0);
    s.recipe_sha256 = q.column_text(1);
    s.software_version = q.column_text(2);
    s.git_revision = q.column_text(3);
    s.operator_name = q.column_text(4);
    s.started_at = q.column_text(5);
    const std::string prev_hash = q.column_text(6);
    const std::string status = q.column_text(7);
    const std::int64_t newest = q.column_int(8);
    const auto version = static_cast<int>(q.column_int(9));
    const std::string alg = q.column_text(10);
    q.reset();
    std::string key_problem;
    const JournalKey* key = alg == detail::alg_hmac_sha256 ? existing_key(&key_problem) : nullptr;
    if (alg == detail::alg_hmac_sha256 && key == nullptr) return fail("journal_key_missing", key_problem, path_);
    if (status != "running" || newest != id) {
        return fail("journal_error",
                    strf("the instruments of run %lld can no longer change (%s)", static_cast<long long>(id),
                         status != "running" ? "it has ended" : "a later run is linked to it"),
                    path_);
    }
    s.instruments_json = instruments_json.empty() ? "{}" : instruments_json;
    auto update = statement("UPDATE runs SET instruments = ?1, row_hash = ?2 WHERE id = ?3");
    if (!update) return std::unexpected(update.error());
    (*update)->bind(1, std::string_view(s.instruments_json));
    (*update)->bind(2, std::string_view(row_hash(version, alg, key, id, s, prev_hash)));
    (*update)->bind(3, id);
    if (auto r = step_done(db_, **update, "set instruments"); !r) return r;
    return tx.commit();
}

Result<void> RunJournal::end_run(std::int64_t id, RunStatus status, std::string ended_at) {
    if (status == RunStatus::running) {
        return fail("journal_error", "end_run needs a final status (completed, aborted, faulted, interrupted)", path_);
    }
    if (ended_at.empty()) ended_at = utc_now_iso8601();
    auto update = statement("UPDATE runs SET status = ?1, ended_at = ?2 WHERE id = ?3 AND status = 'running'");
    if (!update) return std::unexpected(update.error());
    // Status, end time and seal in one transaction: a run is never ended without its seal. If the
    // seal cannot be written (disk full) the run stays 'running' and is sealed at recovery.
    Transaction tx(db_);
    auto r = tx.begin(true);
    int changed = 0;
    if (r) {
        (*update)->bind(1, to_string(status));
        (*update)->bind(2, std::string_view(ended_at));
        (*update)->bind(3, id);
        r = step_done(db_, **update, "end run");
        if (r) changed = sqlite3_changes(db_);
    }
    std::optional<ChainAnchor> sealed;
    if (r && changed == 1) {
        std::string key_problem;
        auto seal = detail::seal_run(db_, id, existing_key(&key_problem));
        if (seal) {
            sealed = std::move(*seal);
        } else {
            r = std::unexpected(seal.error().code == "journal_key_missing"
                                    ? Error{"journal_key_missing", key_problem, path_}
                                    : seal.error());
        }
    }
    if (r) r = tx.commit();
    if (r && sealed) advance_anchor(*sealed);
    if (auto it = run_locks_.find(id); it != run_locks_.end()) {
        ::unlink(lock_path(id).c_str());
        ::close(it->second);
        run_locks_.erase(it);
    }
    if (!r) return r;
    if (changed != 1) {
        return fail("no_such_run", strf("run %lld is not a running run of %s", static_cast<long long>(id), path_.c_str()),
                    path_);
    }
    return {};
}

Result<int> RunJournal::mark_interrupted() {
    auto running = statement("SELECT id FROM runs WHERE status = 'running'");
    if (!running) return std::unexpected(running.error());
    std::vector<std::int64_t> candidates;
    while ((*running)->step() == SQLITE_ROW) candidates.push_back((*running)->column_int(0));
    (*running)->reset();

    int marked = 0;
    for (const std::int64_t id : candidates) {
        if (run_locks_.contains(id)) continue;  // ours, alive
        const std::string lock = lock_path(id);
        const int fd = ::open(lock.c_str(), O_RDWR | O_CLOEXEC);
        if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            ::close(fd);  // its owner is alive
            continue;
        }
        auto last = statement("SELECT MAX(t_s) FROM samples WHERE run_id = ?1");
        auto update = statement(
            "UPDATE runs SET status = 'interrupted', ended_at = ?1 WHERE id = ?2 AND status = 'running'");
        auto event = statement("INSERT INTO events (run_id, t_s, level, code, message) VALUES (?1, ?2, 'error', "
                               "'interrupted', ?3)");
        if (!last || !update || !event) {
            if (fd >= 0) ::close(fd);
            return std::unexpected(!last ? last.error() : !update ? update.error() : event.error());
        }
        (*last)->bind(1, id);
        const double last_t = (*last)->step() == SQLITE_ROW ? (*last)->column_double(0) : 0.0;
        (*last)->reset();
        Transaction tx(db_);
        auto r = tx.begin(true);
        if (r) {
            (*update)->bind(1, std::string_view(utc_now_iso8601()));
            (*update)->bind(2, id);
            r = step_done(db_, **update, "mark interrupted");
        }
        if (r && sqlite3_changes(db_) == 1) {
            (*event)->bind(1, id);
            (*event)->bind(2, last_t);
            (*event)->bind(3, std::string_view(strf("the recording process ended without closing the run; last "
                                                    "sample at t = %.3f s; marked when the journal was next opened",
                                                    last_t)));
            r = step_done(db_, **event, "interrupted event");
            // Rows written by the dead process are sealed now, as they stand.
            std::optional<ChainAnchor> sealed;
            if (r) {
                auto seal = detail::seal_run(db_, id, existing_key(nullptr));
                if (seal) sealed = std::move(*seal);
                else r = std::unexpected(seal.error());
            }
            if (r) r = tx.commit();
            if (r && sealed) advance_anchor(*sealed);
            if (r) ++marked;
            // A keyed run and no key here (another account opened the journal): it stays
            // 'running' (rolled back) until a process holding the key opens the journal.
            if (!r && r.error().code == "journal_key_missing") {
                if (fd >= 0) ::close(fd);
                continue;
            }
        } else if (r) {
            r = tx.commit();
        }
        if (fd >= 0) {
            ::unlink(lock.c_str());
            ::close(fd);
        }
        if (!r) return std::unexpected(r.error());
    }
    return marked;
}

Result<void> RunJournal::append(std::int64_t run_id, std::span<const JournalSample> samples,
                                std::span<const JournalEvent> events) {
    if (samples.empty() && events.empty()) return {};
    auto insert_sample = statement(
        "INSERT INTO samples (run_id, t_s, current_a, potential_v, charge_c, feed_rate_m3_s, dispensed_m3, "
        "volume_m3, n_bi, n_sb, depth_m, x_bi_predicted, x_bi_target) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    auto insert_event = statement("INSERT INTO events (run_id, t_s, level, code, message) VALUES (?1, ?2, ?3, ?4, ?5)");
    auto status = statement("SELECT status FROM runs WHERE id = ?1");
    if (!insert_sample) return std::unexpected(insert_sample.error());
    if (!insert_event) return std::unexpected(insert_event.error());
    if (!status) return std::unexpected(status.error());
    // Immediate: the status read below and the inserts see the same state of the file.
    Transaction tx(db_);
    if (auto r = tx.begin(true); !r) return r;
    (*status)->bind(1, run_id);
    const bool found = (*status)->step() == SQLITE_ROW;
    const std::string current = found ? (*status)->column_text(0) : std::string();
    (*status)->reset();
    if (!found) {
        return fail("no_such_run", strf("no run %lld in %s", static_cast<long long>(run_id), path_.c_str()), path_);
    }
    if (current != "running") {
        return fail("journal_error",
                    strf("run %lld has ended (%s) and is sealed: rows can no longer be added to it",
                         static_cast<long long>(run_id), current.c_str()),
                    path_);
    }
    Statement& si = **insert_sample;
    for (const JournalSample& s : samples) {
        si.bind(1, run_id);
        si.bind(2, s.t_s);
        si.bind(3, s.current_a);
        si.bind(4, s.potential_v);
        si.bind(5, s.charge_c);
        si.bind(6, s.feed_rate_m3_s);
        si.bind(7, s.dispensed_m3);
        si.bind(8, s.volume_m3);
        si.bind(9, s.n_bi);
        si.bind(10, s.n_sb);
        si.bind(11, s.depth_m);
        si.bind(12, s.x_bi_predicted);
        si.bind(13, s.x_bi_target);
        if (auto r = step_done(db_, si, "insert sample"); !r) return r;
    }
    Statement& ei = **insert_event;
    for (const JournalEvent& e : events) {
        ei.bind(1, run_id);
        ei.bind(2, e.t_s);
        ei.bind(3, std::string_view(e.level));
        ei.bind(4, std::string_view(e.code));
        ei.bind(5, std::string_view(e.message));
        if (auto r = step_done(db_, ei, "insert event"); !r) return r;
    }
    return tx.commit();
}

Result<std::vector<RunRecord>> RunJournal::list_runs(const RunFilter& filter) {
    // One statement for every filter combination: a NULL parameter disables its condition.
    static const std::string sql = std::string(run_columns) +
                                   "WHERE (?1 IS NULL OR r.status = ?1) AND (?2 IS NULL OR r.recipe_name = ?2) "
                                   "AND (?3 IS NULL OR r.started_at >= ?3) ORDER BY r.id DESC LIMIT ?4";
    auto st = statement(sql.c_str());
    if (!st) return std::unexpected(st.error());
    Statement& q = **st;
    if (filter.status) {
        q.bind(1, to_string(*filter.status));
    } else {
        q.bind_null(1);
    }
    q.bind(2, filter.recipe_name);
    q.bind(3, filter.started_since);
    q.bind(4, filter.limit > 0 ? filter.limit : std::int64_t{-1});
    std::vector<RunRecord> runs;
    int rc = 0;
    while ((rc = q.step()) == SQLITE_ROW) runs.push_back(read_run(q));
    q.reset();
    if (rc != SQLITE_DONE) return std::unexpected(sqlite_error(db_, rc, "list runs"));
    return runs;
}

Result<RunRecord> RunJournal::get_run(std::int64_t id) {
    static const std::string sql = std::string(run_columns) + "WHERE r.id = ?1";
    auto st = statement(sql.c_str());
    if (!st) return std::unexpected(st.error());
    Statement& q = **st;
    q.bind(1, id);
    const int rc = q.step();
    if (rc == SQLITE_ROW) {
        RunRecord r = read_run(q);
        q.reset();
        return r;
    }
    q.reset();
    if (rc == SQLITE_DONE) {
        return fail("no_such_run", strf("no run %lld in %s", static_cast<long long>(id), path_.c_str()), path_);
    }
    return std::unexpected(sqlite_error(db_, rc, "get run"));
}

Result<std::vector<JournalSample>> RunJournal::samples(std::int64_t run_id) {
    auto st = statement(
        "SELECT t_s, current_a, potential_v, charge_c, feed_rate_m3_s, dispensed_m3, volume_m3, n_bi, n_sb, depth_m, "
        "x_bi_predicted, x_bi_target FROM samples WHERE run_id = ?1 ORDER BY t_s, rowid");
    if (!st) return std::unexpected(st.error());
    Statement& q = **st;
    q.bind(1, run_id);
    std::vector<JournalSample> out;
    int rc = 0;
    while ((rc = q.step()) == SQLITE_ROW) {
        out.push_back({q.column_double(0), q.column_double(1), q.column_double(2), q.column_double(3),
                       q.column_double(4), q.column_double(5), q.column_double(6), q.column_double(7),
                       q.column_double(8), q.column_double(9), q.column_double(10), q.column_double(11)});
    }
    q.reset();
    if (rc != SQLITE_DONE) return std::unexpected(sqlite_error(db_, rc, "read samples"));
    return out;
}

Result<std::vector<JournalEvent>> RunJournal::events(std::int64_t run_id) {
    auto st = statement("SELECT t_s, level, code, message FROM events WHERE run_id = ?1 ORDER BY t_s, rowid");
    if (!st) return std::unexpected(st.error());
    Statement& q = **st;
    q.bind(1, run_id);
    std::vector<JournalEvent> out;
    int rc = 0;
    while ((rc = q.step()) == SQLITE_ROW) {
        out.push_back({q.column_double(0), q.column_text(1), q.column_text(2), q.column_text(3)});
    }
    q.reset();
    if (rc != SQLITE_DONE) return std::unexpected(sqlite_error(db_, rc, "read events"));
    return out;
}

Result<std::string> RunJournal::integrity_check() {
    Statement st(db_, "PRAGMA integrity_check");
    if (!st.ok()) return std::unexpected(st.prepare_error());
    std::string out;
    int rc = 0;
    while ((rc = st.step()) == SQLITE_ROW) {
        if (!out.empty()) out += '\n';
        out += st.column_text(0);
    }
    if (rc != SQLITE_DONE) return std::unexpected(sqlite_error(db_, rc, "integrity_check"));
    return out;
}

}  // namespace edc::journal
