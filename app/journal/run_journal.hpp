#pragma once
// The SQLite run journal: one file (default $XDG_DATA_HOME/edc/edc.sqlite), WAL mode, schema
// versioned with PRAGMA user_version and migrated forward on open. Every statement is prepared
// with bound parameters. synchronous = FULL: every commit (run begin and end, events, each sample
// batch) is fsynced before it returns, so a power loss takes only what had not committed
// (docs/reliability.md, "Journal faults").
//
// A run being recorded is marked by an exclusive flock on "<db>.locks/run-<id>.lock", held by
// the process that began it until end_run. The kernel drops the lock when that process dies
// (kill -9 included), so open() marks as interrupted exactly the runs left 'running' whose
// owner is gone: another process reading the same database (the GUI's history) never
// mislabels a live run.
//
// One RunJournal is one connection: use it from one thread at a time. The JournalWriter opens
// its own.
#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app/journal/chain_anchor.hpp"
#include "app/journal/journal_key.hpp"
#include "app/journal/journal_records.hpp"
#include "app/journal/sqlite_statement.hpp"
#include "control/error.hpp"

namespace edc::journal {

inline constexpr int journal_schema_version = 4;

struct OpenOptions {
    bool mark_interrupted = true;  // run mark_interrupted() once opened
    int busy_timeout_ms = 5000;    // wait this long for another connection's write lock
    // The keyed chain's key and the chain anchors are found by XDG_CONFIG_HOME and
    // XDG_STATE_HOME (journal_key.hpp, chain_anchor.hpp).
    // The SQLite VFS to open the file through (sqlite3_open_v2's zVfs); empty: the default.
    // Tests name a fault-injecting shim here (tests/integration/fault_vfs.hpp); the writer's own
    // connection (JournalWriter) uses the same one.
    std::string vfs;
};

class RunJournal {
public:
    // Creates parent directories and the file, sets WAL, migrates the schema forward. A file
    // whose schema is newer than this build knows is refused (code "journal_too_new").
    [[nodiscard]] static Result<RunJournal> open(const std::string& path, const OpenOptions& options = {});
    // $XDG_DATA_HOME/edc/edc.sqlite, else $HOME/.local/share/edc/edc.sqlite.
    [[nodiscard]] static std::string default_path();

    RunJournal(RunJournal&& other) noexcept;
    RunJournal& operator=(RunJournal&& other) noexcept;
    RunJournal(const RunJournal&) = delete;
    RunJournal& operator=(const RunJournal&) = delete;
    ~RunJournal();

    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] const std::string& vfs() const noexcept { return vfs_; }  // as opened; empty: default
    [[nodiscard]] int schema_version() const;
    // How many runs the open() call marked interrupted.
    [[nodiscard]] int interrupted_on_open() const noexcept { return interrupted_on_open_; }

    // Random, from the meta table: names this database's anchor.
    [[nodiscard]] const std::string& journal_id() const noexcept { return journal_id_; }
    [[nodiscard]] const std::string& key_path() const noexcept { return key_path_; }
    // <anchor dir>/<journal id>: the newest seal, recorded outside the database.
    [[nodiscard]] const std::string& anchor_path() const noexcept { return anchor_path_; }
    // The last failure to write the anchor after a seal (the run itself is sealed regardless).
    [[nodiscard]] const std::optional<Error>& anchor_error() const noexcept { return anchor_error_; }

    // Inserts a 'running' run, links it into the hash chain and takes its lock. Returns its id.
    // The run is keyed (hmac-sha256) with the installation's key, created on first use; a key
    // file that group or others can read is refused ("journal_key_insecure"), as is one that
    // cannot be made or read: the run does not begin.
    [[nodiscard]] Result<std::int64_t> begin_run(const RunStart& start);
    // Instrument identities learnt after begin_run (the run's checking state). Allowed while the
    // run is running and still the newest run (its row_hash is recomputed; no later run links
    // to it yet); otherwise "journal_error".
    [[nodiscard]] Result<void> set_instruments(std::int64_t id, const std::string& instruments_json);
    // Final status (completed, aborted, faulted or interrupted); ended_at defaults to now. Seals
    // the run in the same transaction (run_seal.hpp): its samples, events, status and end time
    // join the hash chain, and nothing can be appended to it afterwards.
    [[nodiscard]] Result<void> end_run(std::int64_t id, RunStatus status, std::string ended_at = {});
    // Runs left 'running' by a process that no longer holds their lock become 'interrupted'
    // (ended_at = the last sample's wall time is unknown: now) and are sealed with the rows the
    // dead process had committed. Returns how many.
    [[nodiscard]] Result<int> mark_interrupted();

    // Each call is one transaction. A run that has ended is refused ("journal_error"): it is sealed.
    [[nodiscard]] Result<void> append(std::int64_t run_id, std::span<const JournalSample> samples,
                                      std::span<const JournalEvent> events);
    [[nodiscard]] Result<void> append_samples(std::int64_t run_id, std::span<const JournalSample> samples) {
        return append(run_id, samples, {});
    }
    [[nodiscard]] Result<void> append_event(std::int64_t run_id, const JournalEvent& event) {
        return append(run_id, {}, std::span<const JournalEvent>(&event, 1));
    }

    [[nodiscard]] Result<std::vector<RunRecord>> list_runs(const RunFilter& filter = {});
    [[nodiscard]] Result<RunRecord> get_run(std::int64_t id);  // code "no_such_run" when absent
    [[nodiscard]] Result<std::vector<JournalSample>> samples(std::int64_t run_id);
    [[nodiscard]] Result<std::vector<JournalEvent>> events(std::int64_t run_id);

    // PRAGMA integrity_check: "ok" or SQLite's list of problems.
    [[nodiscard]] Result<std::string> integrity_check();
    // Recomputes every run's header hash and link, every sealed run's row digests and seal, and
    // the seals' own chain. The first problem fails with code "journal_chain_broken", the run
    // in `where` ("run 7") and the kind of row in the message (header, sample rows, event rows,
    // final status or end time, seal link). Runs from before schema v2 count as legacy.
    [[nodiscard]] Result<ChainReport> verify_chain();
    // The same checks, every problem listed in ChainReport::problems (an error only when SQLite
    // fails): what `edc verify` prints.
    [[nodiscard]] Result<ChainReport> check_chain();

private:
    RunJournal() = default;
    [[nodiscard]] Result<void> migrate();
    [[nodiscard]] Result<detail::Statement*> statement(const char* sql);
    [[nodiscard]] std::string lock_path(std::int64_t id) const;
    // The key, if there is one (never created here); the reason when there is not.
    [[nodiscard]] const JournalKey* existing_key(std::string* problem);
    // Records the new seal outside the database when it is newer than the anchor there.
    void advance_anchor(const ChainAnchor& seal);
    void close() noexcept;

    sqlite3* db_ = nullptr;
    std::string path_;
    std::string vfs_;
    int interrupted_on_open_ = 0;
    std::string journal_id_;
    std::string key_path_;
    std::string anchor_path_;
    std::optional<JournalKey> key_;
    std::optional<Error> anchor_error_;
    std::map<const char*, detail::Statement> statements_;  // keyed by the SQL literal's address
    std::map<std::int64_t, int> run_locks_;                // run id -> fd holding its flock
};

}  // namespace edc::journal
