#include "app/journal/schema_migrations.hpp"

#include <array>
#include <cstdint>
#include <string>

#include "app/journal/sqlite_statement.hpp"
#include "recipes/format/hmac_sha256.hpp"
#include "recipes/format/sha256.hpp"

namespace edc::journal::detail {
namespace {

Result<void> create_v1(sqlite3* db) {
    return exec(db, R"sql(
        CREATE TABLE runs (
            id               INTEGER PRIMARY KEY AUTOINCREMENT,
            recipe_name      TEXT NOT NULL,
            recipe_text      TEXT NOT NULL,
            recipe_sha256    TEXT NOT NULL,
            software_version TEXT NOT NULL,
            git_revision     TEXT NOT NULL,
            instruments      TEXT NOT NULL,
            operator         TEXT NOT NULL,
            started_at       TEXT NOT NULL,
            ended_at         TEXT,
            status           TEXT NOT NULL
                CHECK (status IN ('running', 'completed', 'aborted', 'faulted', 'interrupted')),
            prev_hash        TEXT NOT NULL,
            row_hash         TEXT NOT NULL
        );
        CREATE INDEX runs_by_status ON runs (status);
        CREATE TABLE samples (
            run_id          INTEGER NOT NULL REFERENCES runs (id),
            t_s             REAL NOT NULL,
            current_a       REAL NOT NULL,
            potential_v     REAL NOT NULL,
            charge_c        REAL NOT NULL,
            feed_rate_m3_s  REAL NOT NULL,
            dispensed_m3    REAL NOT NULL,
            volume_m3       REAL NOT NULL,
            n_bi            REAL NOT NULL,
            n_sb            REAL NOT NULL,
            depth_m         REAL NOT NULL,
            x_bi_predicted  REAL NOT NULL,
            x_bi_target     REAL NOT NULL
        );
        CREATE INDEX samples_by_run ON samples (run_id, t_s);
        CREATE TABLE events (
            run_id  INTEGER NOT NULL REFERENCES runs (id),
            t_s     REAL NOT NULL,
            level   TEXT NOT NULL,
            code    TEXT NOT NULL,
            message TEXT NOT NULL
        );
        CREATE INDEX events_by_run ON events (run_id, t_s);
    )sql");
}

// Runs recorded before v2 keep chain_version 1: their headers are hashed, nothing else
// (verify counts them as legacy). Every run begun from v2 on is sealed when it ends.
Result<void> add_seals_v2(sqlite3* db) {
    return exec(db, R"sql(
        ALTER TABLE runs ADD COLUMN chain_version  INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE runs ADD COLUMN sample_count   INTEGER;
        ALTER TABLE runs ADD COLUMN samples_sha256 TEXT;
        ALTER TABLE runs ADD COLUMN event_count    INTEGER;
        ALTER TABLE runs ADD COLUMN events_sha256  TEXT;
        ALTER TABLE runs ADD COLUMN seal_seq       INTEGER;
        ALTER TABLE runs ADD COLUMN seal_prev      TEXT;
        ALTER TABLE runs ADD COLUMN seal_hash      TEXT;
        CREATE UNIQUE INDEX runs_by_seal_seq ON runs (seal_seq);
    )sql");
}

// Runs recorded before v3 keep hash_alg 'sha256' (they verify as before); runs begun from v3 on
// are linked with HMAC-SHA256 under the installation's key. The journal id names this
// database's anchor outside it (chain_anchor.hpp): random, so two databases never share one.
Result<void> add_keyed_chain_v3(sqlite3* db) {
    std::array<std::uint8_t, 16> id{};
    if (!recipes::random_bytes(id)) return fail("journal_error", "RAND_bytes could not make a journal id");
    if (auto r = exec(db, R"sql(
        ALTER TABLE runs ADD COLUMN hash_alg TEXT NOT NULL DEFAULT 'sha256';
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    )sql");
        !r) {
        return r;
    }
    const std::string insert = "INSERT INTO meta (key, value) VALUES ('journal_id', '" + recipes::to_hex(id) + "')";
    return exec(db, insert.c_str());
}

// A resumed run (`edc resume`) is a new run row that names the interrupted run it continues.
// The link is also an event of the continuation ("resumes_run"), so the run's seal covers it.
Result<void> add_resumes_run_v4(sqlite3* db) {
    return exec(db, "ALTER TABLE runs ADD COLUMN resumes_run INTEGER REFERENCES runs (id);");
}

constexpr std::array<Migration, 4> all{{
    {1, "runs, samples, events", &create_v1},
    {2, "run seals: rows, final status and end time in the hash chain", &add_seals_v2},
    {3, "keyed chain (hash_alg per run) and the journal id", &add_keyed_chain_v3},
    {4, "resumes_run: a continuation's link to the interrupted run", &add_resumes_run_v4},
}};

}  // namespace

std::span<const Migration> migrations() noexcept { return all; }

}  // namespace edc::journal::detail
