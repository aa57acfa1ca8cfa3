// Run seals (docs/reliability.md, "Journal integrity (hash chain)"): a run killed mid-way is
// sealed at recovery and verifies; a journal of the previous schema migrates and reports its
// legacy runs; an ended run takes no more rows; storage details (VACUUM, -0.0) keep a seal valid.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>
#include <vector>

#include "app/journal/journal_writer.hpp"
#include "app/journal/run_journal.hpp"
#include "recipes/format/sha256.hpp"
#include "tests/app/test_cli_support.hpp"
#include "tests/app/test_journal_support.hpp"

using namespace edc::journal;
using edc::journal::test::run_start;
using edc::journal::test::sample_at;
using edc::journal::test::TempDir;

namespace {

void sql(const std::string& path, const std::string& text, bool must_change = true) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db, text.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << text << ": " << (message != nullptr ? message : "");
    if (must_change) {
        EXPECT_GT(sqlite3_total_changes(db), 0) << "the edit must change something: " << text;
    }
    sqlite3_free(message);
    sqlite3_close(db);
}

RunJournal open_ok(const std::string& path) {
    auto j = RunJournal::open(path);
    EXPECT_TRUE(j.has_value()) << (j ? "" : j.error().message);
    return std::move(*j);
}

std::vector<JournalSample> samples(std::int64_t from, std::int64_t count) {
    std::vector<JournalSample> out;
    for (std::int64_t i = from; i < from + count; ++i) out.push_back(sample_at(i));
    return out;
}

}  // namespace

TEST(JournalSeal, RunKilledMidWayIsSealedAtRecoveryAndItsRowsAreCovered) {
    TempDir dir;
    const std::string path = dir.file("edc.sqlite");
    auto* pushed = static_cast<std::atomic<std::int64_t>*>(mmap(nullptr, sizeof(std::atomic<std::int64_t>),
                                                                PROT_READ | PROT_WRITE,
                                                                // cppcheck-suppress invalidFunctionArg ; fd -1: anonymous
                                                                MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    ASSERT_NE(static_cast<void*>(pushed), MAP_FAILED);
    new (pushed) std::atomic<std::int64_t>(0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {  // records at 1 kHz until killed
        auto journal = RunJournal::open(path);
        if (!journal) _exit(2);
        auto id = journal->begin_run(run_start());
        if (!id) _exit(3);
        auto writer = JournalWriter::start(path, *id);
        if (!writer) _exit(4);
        (*writer)->push_event({0.0, "info", "state_change", "idle -> depositing"});
        auto next = std::chrono::steady_clock::now();
        for (std::int64_t i = 0;; ++i) {
            (void)(*writer)->push(sample_at(i));
            if (i == 200 && !(*writer)->flush()) _exit(5);  // some rows surely committed before the kill
            pushed->store(i + 1);
            next += std::chrono::milliseconds(1);
            std::this_thread::sleep_until(next);
        }
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (pushed->load() < 400 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_GE(pushed->load(), 400);
    munmap(pushed, sizeof(std::atomic<std::int64_t>));

    {
        RunJournal j = open_ok(path);
        EXPECT_EQ(j.interrupted_on_open(), 1);
        const auto report = j.verify_chain();
        ASSERT_TRUE(report.has_value()) << report.error().message;
        EXPECT_EQ(report->sealed, 1);
        EXPECT_EQ(report->recording, 0);
        EXPECT_EQ(j.get_run(1)->status, RunStatus::interrupted);
        EXPECT_GE(j.get_run(1)->sample_count, 201);
        EXPECT_FALSE(j.append_samples(1, samples(10000, 1)).has_value()) << "a sealed run takes no more rows";
    }
    const auto r = edc::cli::test::run_cli({"verify", "--db", path});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("1 runs sealed, 0 legacy runs without a seal"), std::string::npos) << r.out;

    // What the dead process wrote is covered from the recovery on.
    sql(path,
        "UPDATE samples SET current_a = current_a + 1e-9 WHERE rowid = (SELECT MIN(rowid) FROM samples)");
    RunJournal j = open_ok(path);
    const auto broken = j.verify_chain();
    ASSERT_FALSE(broken.has_value());
    EXPECT_EQ(broken.error().where, "run 1");
    EXPECT_NE(broken.error().message.find("sample rows"), std::string::npos) << broken.error().message;
}

// A journal written by the previous edc (schema v1, its SQL verbatim): the headers' hashes
// computed here from the v1 format. One run completed, one left 'running' by a dead process.
TEST(JournalSeal, PreviousSchemaJournalMigratesAndVerifiesWithItsLegacyRuns) {
    TempDir dir;
    const std::string path = dir.file("old.sqlite");
    sql(path, R"sql(
        PRAGMA journal_mode = WAL;
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT, recipe_name TEXT NOT NULL, recipe_text TEXT NOT NULL,
            recipe_sha256 TEXT NOT NULL, software_version TEXT NOT NULL, git_revision TEXT NOT NULL,
            instruments TEXT NOT NULL, operator TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'aborted', 'faulted', 'interrupted')),
            prev_hash TEXT NOT NULL, row_hash TEXT NOT NULL);
        CREATE INDEX runs_by_status ON runs (status);
        CREATE TABLE samples (
            run_id INTEGER NOT NULL REFERENCES runs (id), t_s REAL NOT NULL, current_a REAL NOT NULL,
            potential_v REAL NOT NULL, charge_c REAL NOT NULL, feed_rate_m3_s REAL NOT NULL,
            dispensed_m3 REAL NOT NULL, volume_m3 REAL NOT NULL, n_bi REAL NOT NULL, n_sb REAL NOT NULL,
            depth_m REAL NOT NULL, x_bi_predicted REAL NOT NULL, x_bi_target REAL NOT NULL);
        CREATE INDEX samples_by_run ON samples (run_id, t_s);
        CREATE TABLE events (
            run_id INTEGER NOT NULL REFERENCES runs (id), t_s REAL NOT NULL, level TEXT NOT NULL,
            code TEXT NOT NULL, message TEXT NOT NULL);
        CREATE INDEX events_by_run ON events (run_id, t_s);
        PRAGMA user_version = 1;
    )sql",
        false);
    auto field = [](const std::string& v) { return std::to_string(v.size()) + ":" + v + ";"; };
    std::string prev(64, '0');
    for (const char* status : {"completed", "running"}) {
        const std::string id = status == std::string("completed") ? "1" : "2";
        const std::string started = "2026-11-2" + id + "T08:00:00.000Z";
        const std::string hash =
            edc::recipes::sha256_hex(field(prev) + field(id) + field("old") + field("00") + field("0.0.9") +
                                     field("v1") + field("{}") + field("ann") + field(started));
        sql(path,
            "INSERT INTO runs (recipe_name, recipe_text, recipe_sha256, software_version, git_revision, "
            "instruments, operator, started_at, ended_at, status, prev_hash, row_hash) VALUES ('old', '', "
            "'00', "
            "'0.0.9', 'v1', '{}', 'ann', '" +
                started + "', " + (id == "1" ? "'2026-11-21T09:00:00.000Z'" : "NULL") + ", '" + status +
                "', '" + prev + "', '" + hash + "')");
        sql(path, "INSERT INTO samples VALUES (" + id +
                      ", 0.1, 0.0057, -0.3, 0.00057, 1e-7, 1e-8, 2e-5, 1e-3, 1e-3, "
                      "3e-10, 0.5, 0.5)");
        prev = hash;
    }

    RunJournal j = open_ok(path);
    EXPECT_EQ(j.schema_version(), journal_schema_version);
    EXPECT_EQ(j.interrupted_on_open(), 1)
        << "the old run left running is recovered (and sealed) by the new code";
    auto report = j.verify_chain();
    ASSERT_TRUE(report.has_value()) << report.error().message;
    EXPECT_EQ(report->runs, 2);
    EXPECT_EQ(report->sealed, 1);
    EXPECT_EQ(report->legacy, 1);

    const auto id = j.begin_run(run_start("new")).value();
    EXPECT_EQ(j.get_run(id)->prev_hash, prev) << "the first new run links to the last old header";
    ASSERT_TRUE(j.append_samples(id, samples(0, 20)).has_value());
    ASSERT_TRUE(j.end_run(id, RunStatus::completed).has_value());
    report = j.verify_chain();
    ASSERT_TRUE(report.has_value()) << report.error().message;
    EXPECT_EQ(report->sealed, 2);
    EXPECT_EQ(report->legacy, 1);

    const auto r = edc::cli::test::run_cli({"verify", "--db", path});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("2 runs sealed, 1 legacy runs without a seal"), std::string::npos) << r.out;
}

TEST(JournalSeal, RunStillRecordingIsCountedNotFailed) {
    TempDir dir;
    RunJournal j = open_ok(dir.file("edc.sqlite"));
    const auto done = j.begin_run(run_start()).value();
    ASSERT_TRUE(j.end_run(done, RunStatus::aborted).has_value());
    const auto live = j.begin_run(run_start()).value();
    ASSERT_TRUE(j.append_samples(live, samples(0, 5)).has_value());
    const auto report = j.verify_chain();
    ASSERT_TRUE(report.has_value()) << report.error().message;
    EXPECT_EQ(report->sealed, 1);
    EXPECT_EQ(report->recording, 1);
}

TEST(JournalSeal, EndedRunRefusesFurtherRows) {
    TempDir dir;
    RunJournal j = open_ok(dir.file("edc.sqlite"));
    const auto id = j.begin_run(run_start()).value();
    ASSERT_TRUE(j.append_samples(id, samples(0, 3)).has_value());
    ASSERT_TRUE(j.end_run(id, RunStatus::completed).has_value());
    const auto late = j.append_event(id, {1.0, "info", "note", "after the end"});
    ASSERT_FALSE(late.has_value());
    EXPECT_NE(late.error().message.find("sealed"), std::string::npos) << late.error().message;
    EXPECT_EQ(j.events(id)->size(), 0U);
    EXPECT_TRUE(j.verify_chain().has_value());
}

// VACUUM may renumber rowids and SQLite stores -0.0 as the integer 0: the seal hashes rows in
// content order and -0 as +0, so neither breaks it.
TEST(JournalSeal, VacuumAndNegativeZeroKeepTheSealValid) {
    TempDir dir;
    const std::string path = dir.file("edc.sqlite");
    {
        RunJournal j = open_ok(path);
        const auto id = j.begin_run(run_start()).value();
        auto rows = samples(0, 50);
        rows[3].current_a = -0.0;
        rows[4].potential_v = -0.0;
        std::reverse(rows.begin(), rows.end());  // inserted out of time order
        ASSERT_TRUE(j.append_samples(id, rows).has_value());
        ASSERT_TRUE(j.append_event(id, {2.0, "info", "b", "same time"}).has_value());
        ASSERT_TRUE(j.append_event(id, {2.0, "info", "a", "same time"}).has_value());
        ASSERT_TRUE(j.end_run(id, RunStatus::completed).has_value());
        const auto other = j.begin_run(run_start()).value();
        ASSERT_TRUE(j.append_samples(other, samples(0, 10)).has_value());
        ASSERT_TRUE(j.end_run(other, RunStatus::completed).has_value());
    }
    sql(path,
        "DELETE FROM samples WHERE run_id = 2 AND rowid = (SELECT MIN(rowid) FROM samples WHERE run_id = 2); "
        "VACUUM;");
    RunJournal j = open_ok(path);
    const auto broken = j.verify_chain();
    ASSERT_FALSE(broken.has_value());
    EXPECT_EQ(broken.error().where, "run 2") << "run 1 still verifies after VACUUM; run 2 lost a row";
    EXPECT_NE(broken.error().message.find("10 when the run was sealed"), std::string::npos)
        << broken.error().message;
}

// A sealed run deleted outright (its header, rows and seal): the next run's header link breaks.
TEST(JournalSeal, DeletedSealedRunIsCaughtByTheNextRun) {
    TempDir dir;
    const std::string path = dir.file("edc.sqlite");
    {
        RunJournal j = open_ok(path);
        for (int k = 0; k < 3; ++k) {
            const auto id = j.begin_run(run_start()).value();
            ASSERT_TRUE(j.append_samples(id, samples(0, 5)).has_value());
            ASSERT_TRUE(j.end_run(id, RunStatus::completed).has_value());
        }
    }
    sql(path, "DELETE FROM samples WHERE run_id = 2; DELETE FROM runs WHERE id = 2;");
    RunJournal j = open_ok(path);
    const auto broken = j.verify_chain();
    ASSERT_FALSE(broken.has_value());
    EXPECT_EQ(broken.error().where, "run 3");
}

// The newest run deleted from `runs` alone: nothing links to it, but its rows are left behind.
TEST(JournalSeal, RowsOfADeletedRunAreCaught) {
    TempDir dir;
    const std::string path = dir.file("edc.sqlite");
    {
        RunJournal j = open_ok(path);
        for (int k = 0; k < 2; ++k) {
            const auto id = j.begin_run(run_start()).value();
            ASSERT_TRUE(j.append_samples(id, samples(0, 5)).has_value());
            ASSERT_TRUE(j.end_run(id, RunStatus::completed).has_value());
        }
    }
    sql(path, "DELETE FROM events WHERE run_id = 2; DELETE FROM runs WHERE id = 2;");
    RunJournal j = open_ok(path);
    const auto report = j.check_chain();
    ASSERT_TRUE(report.has_value()) << report.error().message;
    std::string all;
    for (const auto& e : report->problems) all += e.code + ": " + e.message + "\n";
    // The anchor outside the database names the deleted run; the orphaned rows are caught too.
    EXPECT_NE(all.find("newest_run_missing: run 2 was sealed"), std::string::npos) << all;
    EXPECT_NE(all.find("journal_chain_broken: 5 sample rows belong to no run"), std::string::npos) << all;
}
