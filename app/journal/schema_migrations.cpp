#include "app/journal/schema_migrations.hpp"

#include <array>

#include "app/journal/sqlite_statement.hpp"

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

constexpr std::array<Migration, 2> all{{
    {1, "runs, samples, events", &create_v1},
    {2, "run seals: rows, final status and end time in the hash chain", &add_seals_v2},
}};

}  // namespace

std::span<const Migration> migrations() noexcept { return all; }

}  // namespace edc::journal::detail
