// The SQLite run journal on real files: schema and migrations, runs, samples, events, queries,
// hostile text, interrupted runs, integrity and the hash chain.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <vector>

#include "app/journal/run_journal.hpp"
#include "recipes/format/sha256.hpp"
#include "tests/app/test_journal_support.hpp"

using namespace edc::journal;
using edc::journal::test::run_start;
using edc::journal::test::sample_at;
using edc::journal::test::TempDir;

namespace {

RunJournal open_ok(const std::string& path) {
    auto j = RunJournal::open(path);
    EXPECT_TRUE(j.has_value()) << (j ? "" : j.error().message);
    if (!j) std::abort();
    return std::move(*j);
}

std::string query_text(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr) {
        out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

}  // namespace

TEST(Journal, OpenCreatesParentDirectoriesAndSchemaVersionTwo) {
    TempDir dir;
    const std::string path = dir.file("deep/er/edc.sqlite");
    RunJournal j = open_ok(path);
    EXPECT_TRUE(std::filesystem::exists(path));
    EXPECT_EQ(j.schema_version(), 4);
    EXPECT_EQ(journal_schema_version, 4);
    EXPECT_EQ(query_text(path, "PRAGMA user_version"), "4");
}

TEST(Journal, UsesWriteAheadLogging) {
    TempDir dir;
    const std::string path = dir.file("edc.sqlite");
    RunJournal j = open_ok(path);
    EXPECT_EQ(query_text(path, "PRAGMA journal_mode"), "wal");
}

TEST(Journal, MigratesAnEmptyExistingDatabase) {
    TempDir dir;
    const std::string path = dir.file("empty.sqlite");
    {  // a database file that exists but has no tables, user_version 0
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 0; CREATE TABLE unrelated (x);", nullptr, nullptr, nullptr),
                  SQLITE_OK);
        sqlite3_close(db);
    }
    RunJournal j = open_ok(path);
    EXPECT_EQ(j.schema_version(), 4);
    EXPECT_EQ(query_text(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                               "('runs', 'samples', 'events')"), "3");
    EXPECT_EQ(query_text(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'unrelated'"), "1");
}

TEST(Journal, ReopeningDoesNotMigrateTwice) {
    TempDir dir;
    const std::string path = dir.file("edc.sqlite");
    std::int64_t id = 0;
    {
        RunJournal j = open_ok(path);
        id = j.begin_run(run_start()).value();
        ASSERT_TRUE(j.end_run(id, RunStatus::completed).has_value());
    }
    RunJournal j = open_ok(path);
    EXPECT_EQ(j.schema_version(), 4);
    EXPECT_EQ(j.get_run(id)->status, RunStatus::completed);
}

TEST(Journal, RefusesADatabaseFromANewerEdc) {
    TempDir dir;
    const std::string path = dir.file("new.sqlite");
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    auto j = RunJournal::open(path);
    ASSERT_FALSE(j.has_value());
    EXPECT_EQ(j.error().code, "journal_too_new");
    EXPECT_EQ(j.error().message, path + " has journal schema version 99; this edc knows up to 4: use a newer edc");
}

TEST(Journal, BeginRunRecordsEveryField) {
    TempDir dir;
    RunJournal j = open_ok(dir.file("edc.sqlite"));
    RunStart start = run_start();
    start.started_at = "2026-11-26T05:00:00.000Z";
    const auto id = j.begin_run(start);
    ASSERT_TRUE(id.has_value()) << id.error().message;
    const auto run = j.get_run(*id);
    ASSERT_TRUE(run.has_value());
    EXPECT_EQ(run->id, *id);
    EXPECT_EQ(run->recipe_name, start.recipe_name);
    EXPECT_EQ(run->recipe_text, start.recipe_text);
    EXPECT_EQ(run->recipe_sha256, start.recipe_sha256);
    EXPECT_EQ(run->software_version, "0.1.0");
    EXPECT_EQ(run->git_revision, "abc123");
    EXPECT_EQ(run->instruments_json, start.instruments_json);
    EXPECT_EQ(run->operator_name, "tester");
    EXPECT_EQ(run->started_at, "2026-11-26T05:00:00.000Z");
    EXPECT_FALSE(run->ended_at.has_value());
    EXPECT_EQ(run->status, RunStatus::running);
    EXPECT_EQ(run->prev_hash, std::string(64, '0'));
    EXPECT_EQ(run->row_hash.size(), 64U);
}

TEST(Journal, StartedAtDefaultsToUtcIso8601) {
    TempDir dir;
    RunJournal j = open_ok(dir.file("edc.sqlite"));
    const auto run = j.get_run(j.begin_run(run_start()).value()).value();
    // 2026-11-26T05:07:04.123Z
    ASSERT_EQ(run.started_at.size(), 24U) << run.started_at;
    EXPECT_EQ(run.started_at[4], '-');
    EXPECT_EQ(run.started_at[10], 'T');
    EXPECT_EQ(run.started_at[19], '.');
    EXPECT_EQ(run.started_at.back(), 'Z');
}

TEST(Journal, EndRunSetsStatusAndEndTimeOnce) {
    TempDir dir;
    RunJournal j = open_ok(dir.file("edc.sqlite"));
    const auto id = j.begin_run(run_start()).value();
    ASSERT_TRUE(j.end_run(id, RunStatus::aborted, "2026-11-26T06:00:00.000Z").has_value());
    const auto run = j.get_run(id).value();
    EXPECT_EQ(run.status, RunStatus::aborted);
    EXPECT_EQ(run.ended_at, "2026-11-26T06:00:00.000Z");
    // A finished run cannot be ended again, nor ended as 'running'.
    auto again = j.end_run(id, RunStatus::completed);
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().code, "no_such_run");
    EXPECT_EQ(j.get_run(id)->status, RunStatus::aborted);
    EXPECT_FALSE(j.end_run(j.begin_run(run_start()).value(), RunStatus::running).has_value());
}

TEST(Journal, SamplesRoundTripExactly) {
    TempDir dir;
    RunJournal j = open_ok(dir.file("edc.sqlite"));
    const auto id = j.begin_run(run_start()).value();
    std::vector<JournalSample> in;
    in.reserve(500);
    for (int i = 0; i < 500; ++i) in.push_back(sample_at(i));
    ASSERT_TRUE(j.append_samples(id, in).has_value());
    const auto out = j.samples(id).value();
    ASSERT_EQ(out.size(), 500U);
    for (std::size_t i = 0; i < out.size(); ++i) {
        EXPECT_EQ(out[i].t_s, in[i].t_s);
        EXPECT_EQ(out[i].current_a, in[i].current_a);
        EXPECT_EQ(out[i].potential_v, in[i].potential_v);
        EXPECT_EQ(out[i].charge_c, in[i].charge_c);
        EXPECT_EQ(out[i].feed_rate_m3_s, in[i].feed_rate_m3_s);
        EXPECT_EQ(out[i].dispensed_m3, in[i].dispensed_m3);
        EXPECT_EQ(out[i].volume_m3, in[i].volume_m3);
        EXPECT_EQ(out[i].n_bi, in[i].n_bi);
        EXPECT_EQ(out[i].n_sb, in[i].n_sb);
        EXPECT_EQ(out[i].depth_m, in[i].depth_m);
        EXPECT_EQ(out[i].x_bi_predicted, in[i].x_bi_predicted);
        EXPECT_EQ(out[i].x_bi_target, in[i].x_bi_target);
    }
    EXPECT_EQ(j.get_run(id)->sample_count, 500);
}

TEST(Journal, EventsRoundTripInTimeOrder) {
    TempDir dir;
    RunJournal j = open_ok(dir.file("edc.sqlite"));
    const auto id = j.begin_run(run_start()).value();
    const std::vector<JournalEvent> events{{0.0, "info", "state_change", "idle -> checking"},
                                           {50.0, "warning", "compliance", "potential near compliance: 9.6 V"}};
    ASSERT_TRUE(j.append(id, {}, events).has_value());
    ASSERT_TRUE(j.append_event(id, {10.0, "info", "state_change", "priming -> depositing"}).has_value());
    const auto out = j.events(id).value();
    ASSERT_EQ(out.size(), 3U);
    EXPECT_EQ(out[0].message, "idle -> checking");
    EXPECT_EQ(out[1].t_s, 10.0);
    EXPECT_EQ(out[1].message, "priming -> depositing");
    EXPECT_EQ(out[2].level, "warning");
    EXPECT_EQ(out[2].code, "compliance");
}

TEST(Journal, BatchIsOneTransactionAllOrNothing) {
    TempDir dir;
    RunJournal j = open_ok(dir.file("edc.sqlite"));
    const auto id = j.begin_run(run_start()).value();
    // Run 9999 does not exist: the foreign key fails the batch, and none of it is written.
    std::vector<JournalSample> in{sample_at(0), sample_at(1)};
    EXPECT_FALSE(j.append_samples(9999, in).has_value());
    EXPECT_EQ(query_text(j.path(), "SELECT count(*) FROM samples"), "0");
    ASSERT_TRUE(j.append_samples(id, in).has_value());
    EXPECT_EQ(query_text(j.path(), "SELECT count(*) FROM samples"), "2");
}

TEST(Journal, HostileRecipeNameIsStoredVerbatim) {
    TempDir dir;
    RunJournal j = open_ok(dir.file("edc.sqlite"));
    const std::string hostile = "x'); DROP TABLE runs;--";
    RunStart start = run_start(hostile);
    start.operator_name = "o\"perator'; DELETE FROM samples; --";
    start.recipe_text = std::string("nul\0byte and 'quotes'", 21);
    const auto id = j.begin_run(start).value();
    ASSERT_TRUE(j.append_event(id, {0.0, "info", "note", "'); DROP TABLE events;--"}).has_value());
    const auto run = j.get_run(id).value();
    EXPECT_EQ(run.recipe_name, hostile);
    EXPECT_EQ(run.operator_name, start.operator_name);
    EXPECT_EQ(run.recipe_text, start.recipe_text);
    EXPECT_EQ(query_text(j.path(), "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                                   "('runs', 'samples', 'events')"), "3");
    RunFilter by_name;
    by_name.recipe_name = hostile;
    ASSERT_EQ(j.list_runs(by_name)->size(), 1U);
    EXPECT_EQ(j.events(id)->at(0).message, "'); DROP TABLE events;--");
}

TEST(Journal, ListRunsFiltersNewestFirst) {
    TempDir dir;
    RunJournal j = open_ok(dir.file("edc.sqlite"));
    RunStart a = run_start("alpha");
    a.started_at = "2026-01-01T00:00:00.000Z";
    RunStart b = run_start("beta");
    b.started_at = "2026-02-01T00:00:00.000Z";
    RunStart c = run_start("alpha");
    c.started_at = "2026-03-01T00:00:00.000Z";
    const auto ia = j.begin_run(a).value();
    const auto ib = j.begin_run(b).value();
    const auto ic = j.begin_run(c).value();
    ASSERT_TRUE(j.end_run(ia, RunStatus::completed).has_value());
    ASSERT_TRUE(j.end_run(ib, RunStatus::faulted).has_value());
    ASSERT_TRUE(j.append_samples(ic, std::vector<JournalSample>{sample_at(0), sample_at(1), sample_at(2)}).has_value());

    const auto all = j.list_runs().value();
    ASSERT_EQ(all.size(), 3U);
    EXPECT_EQ(all[0].id, ic);
    EXPECT_EQ(all[2].id, ia);
    EXPECT_EQ(all[0].sample_count, 3);

    RunFilter f;
    f.recipe_name = "alpha";
    EXPECT_EQ(j.list_runs(f)->size(), 2U);
    f.status = RunStatus::completed;
    ASSERT_EQ(j.list_runs(f)->size(), 1U);
    EXPECT_EQ(j.list_runs(f)->at(0).id, ia);
    RunFilter since;
    since.started_since = "2026-02-01T00:00:00.000Z";
    EXPECT_EQ(j.list_runs(since)->size(), 2U);
    RunFilter limited;
    limited.limit = 1;
    ASSERT_EQ(j.list_runs(limited)->size(), 1U);
    EXPECT_EQ(j.list_runs(limited)->at(0).id, ic);
}

TEST(Journal, GetRunOfUnknownIdIsNoSuchRun) {
    TempDir dir;
    RunJournal j = open_ok(dir.file("edc.sqlite"));
    auto r = j.get_run(42);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, "no_such_run");
}

TEST(Journal, RunLeftOpenByADeadOwnerIsMarkedInterruptedOnOpen) {
    TempDir dir;
    const std::string path = dir.file("edc.sqlite");
    std::int64_t id = 0;
    {
        RunJournal j = open_ok(path);
        id = j.begin_run(run_start()).value();
        ASSERT_TRUE(j.append_samples(id, std::vector<JournalSample>{sample_at(0), sample_at(1)}).has_value());
        // destroyed without end_run: like a crashed process, its run lock is released
    }
    RunJournal j = open_ok(path);
    EXPECT_EQ(j.interrupted_on_open(), 1);
    const auto run = j.get_run(id).value();
    EXPECT_EQ(run.status, RunStatus::interrupted);
    EXPECT_TRUE(run.ended_at.has_value());
    const auto events = j.events(id).value();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].code, "interrupted");
    EXPECT_DOUBLE_EQ(events[0].t_s, 0.1);  // the last sample
    EXPECT_FALSE(std::filesystem::exists(path + ".locks/run-" + std::to_string(id) + ".lock"));
    // Only once.
    RunJournal again = open_ok(path);
    EXPECT_EQ(again.interrupted_on_open(), 0);
}

TEST(Journal, LiveRunOfAnotherConnectionIsNotMarkedInterrupted) {
    TempDir dir;
    const std::string path = dir.file("edc.sqlite");
    RunJournal recorder = open_ok(path);
    const auto id = recorder.begin_run(run_start()).value();
    // A second connection (the GUI's history, another edc) opens while the run is live.
    RunJournal reader = open_ok(path);
    EXPECT_EQ(reader.interrupted_on_open(), 0);
    EXPECT_EQ(reader.mark_interrupted().value(), 0);
    EXPECT_EQ(reader.get_run(id)->status, RunStatus::running);
    ASSERT_TRUE(recorder.end_run(id, RunStatus::completed).has_value());
    EXPECT_EQ(reader.get_run(id)->status, RunStatus::completed);
}

TEST(Journal, FinishedRunsAreNeverMarkedInterrupted) {
    TempDir dir;
    const std::string path = dir.file("edc.sqlite");
    std::int64_t id = 0;
    {
        RunJournal j = open_ok(path);
        id = j.begin_run(run_start()).value();
        ASSERT_TRUE(j.end_run(id, RunStatus::faulted).has_value());
    }
    RunJournal j = open_ok(path);
    EXPECT_EQ(j.interrupted_on_open(), 0);
    EXPECT_EQ(j.get_run(id)->status, RunStatus::faulted);
}

TEST(Journal, IntegrityCheckPassesAfterWrites) {
    TempDir dir;
    RunJournal j = open_ok(dir.file("edc.sqlite"));
    for (int run = 0; run < 3; ++run) {
        const auto id = j.begin_run(run_start()).value();
        std::vector<JournalSample> batch;
        batch.reserve(1000);
        for (int i = 0; i < 1000; ++i) batch.push_back(sample_at(i));
        ASSERT_TRUE(j.append_samples(id, batch).has_value());
        ASSERT_TRUE(j.end_run(id, RunStatus::completed).has_value());
    }
    EXPECT_EQ(j.integrity_check().value(), "ok");
}

TEST(Journal, HashChainLinksRunsAndDetectsEdits) {
    TempDir dir;
    const std::string path = dir.file("edc.sqlite");
    RunJournal j = open_ok(path);
    const auto first = j.begin_run(run_start("one")).value();
    const auto second = j.begin_run(run_start("two")).value();
    const auto r1 = j.get_run(first).value();
    const auto r2 = j.get_run(second).value();
    EXPECT_EQ(r2.prev_hash, r1.row_hash);
    // The chain's material (v2 header, docs/reliability.md), recomputed here independently.
    auto field = [](const std::string& v) { return std::to_string(v.size()) + ":" + v + ";"; };
    const RunStart s = run_start("one");
    const std::string material = field("edc-run-v2") + field(std::string(64, '0')) + field(std::to_string(first)) +
                                 field(s.recipe_name) +
                                 field(s.recipe_sha256) + field(s.software_version) + field(s.git_revision) +
                                 field(s.instruments_json) + field(s.operator_name) + field(r1.started_at);
    // Keyed (hmac-sha256) under the installation's key, created by the first begin_run.
    EXPECT_EQ(r1.row_hash, edc::journal::test::hmac_sha256_hex(edc::journal::test::read_journal_key(), material));
    EXPECT_NE(r1.row_hash, edc::recipes::sha256_hex(material)) << "the header link must be keyed";
    EXPECT_TRUE(j.verify_chain().has_value());
    {
        sqlite3* db = nullptr;
        sqlite3_open(path.c_str(), &db);
        sqlite3_exec(db, "UPDATE runs SET operator = 'mallory' WHERE id = 1", nullptr, nullptr, nullptr);
        sqlite3_close(db);
    }
    auto broken = j.verify_chain();
    ASSERT_FALSE(broken.has_value());
    EXPECT_EQ(broken.error().code, "journal_chain_broken");
    EXPECT_EQ(broken.error().where, "run 1");
}

TEST(Journal, DefaultPathFollowsXdgDataHome) {
    setenv("XDG_DATA_HOME", "/srv/lab/data", 1);
    EXPECT_EQ(RunJournal::default_path(), "/srv/lab/data/edc/edc.sqlite");
    unsetenv("XDG_DATA_HOME");
    setenv("HOME", "/home/scientist", 1);
    EXPECT_EQ(RunJournal::default_path(), "/home/scientist/.local/share/edc/edc.sqlite");
}

TEST(Journal, RunStatusNamesRoundTrip) {
    for (const auto s : {RunStatus::running, RunStatus::completed, RunStatus::aborted, RunStatus::faulted,
                         RunStatus::interrupted}) {
        EXPECT_EQ(parse_run_status(to_string(s)), s);
    }
    EXPECT_FALSE(parse_run_status("done").has_value());
}

TEST(Journal, InstrumentsLearntAfterBeginKeepTheChainValid) {
    TempDir dir;
    RunJournal j = open_ok(dir.file("edc.sqlite"));
    RunStart start = run_start();
    start.instruments_json.clear();
    const auto id = j.begin_run(start).value();
    EXPECT_EQ(j.get_run(id)->instruments_json, "{}");
    const std::string identities = R"({"galvanostat":"KEITHLEY INSTRUMENTS INC.,MODEL 2400,1207317,C30"})";
    ASSERT_TRUE(j.set_instruments(id, identities).has_value());
    EXPECT_EQ(j.get_run(id)->instruments_json, identities);
    EXPECT_TRUE(j.verify_chain().has_value());
    // Once a later run links to it, or once it has ended, the record is fixed.
    const auto later = j.begin_run(run_start()).value();
    EXPECT_FALSE(j.set_instruments(id, "{}").has_value());
    ASSERT_TRUE(j.end_run(later, RunStatus::completed).has_value());
    EXPECT_FALSE(j.set_instruments(later, "{}").has_value());
    EXPECT_TRUE(j.verify_chain().has_value());
}
