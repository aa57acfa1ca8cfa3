// Journal faults (issue 13 item 5): SQLite I/O errors and a full disk at each write point of the
// journal, and power loss, injected by the "edc-fault" VFS (fault_vfs.hpp) under the run's
// journal. Whatever the journal suffers, the cell ends safe as the simulator sees it (output
// off, pump stopped), the run does not claim to have completed, and the file opens afterwards
// (through the default VFS, as `edc show` would) with integrity "ok", a sound hash chain and
// every row the run reported committed before the fault.
//
// Whole runs on a lock-step virtual clock (run_fixture.hpp). Each run prints one "JFAULT" line,
// collected by docs/reliability.md ("Journal faults").
#include <algorithm>
#include <cstdio>
#include <optional>
#include <tuple>

#include "app/journal/run_journal.hpp"
#include "fault_vfs.hpp"
#include "run_fixture.hpp"

using namespace edc;
using namespace edc::testing;

namespace {

constexpr double speed = 20.0;
constexpr double limit_s = 600.0;                     // run seconds; the paper's run takes ~220
constexpr double mid_run_s = 40.0;                    // deposition seconds at which mid-run faults are armed
const std::string operator_name = "jfault-operator";  // in the runs row only: begin_run's needle

enum class Point { run_begin, sample_batch, event, run_totals, run_end };

const char* point_name(Point p) {
    switch (p) {
        case Point::run_begin:
            return "run_begin";
        case Point::sample_batch:
            return "sample_batch";
        case Point::event:
            return "event";
        case Point::run_totals:
            return "run_totals";
        case Point::run_end:
            return "run_end";
    }
    return "?";
}

struct JournalFaultRun {
    app::RunSummary summary;
    int fired = 0;
    std::string fired_where;
    std::optional<double> armed_at_s;     // run time; cut time for power loss
    std::uint64_t samples_committed = 0;  // reported committed when the fault was armed / power cut
    std::uint64_t events_committed = 0;
    std::uint64_t samples_final = 0;  // reported committed when the run had ended
    std::uint64_t events_final = 0;
    std::int64_t run_id = 0;       // from the snapshot: begin_run committed
    bool output_on_at_end = true;  // as the simulator saw it after the run
    bool pump_running_at_end = true;
    // Read back through the default VFS.
    std::string integrity;
    std::string chain;  // "ok" or the first problem
    std::size_t runs = 0;
    std::optional<journal::RunRecord> record;
    std::vector<journal::JournalSample> samples;
    std::vector<journal::JournalEvent> events;

    [[nodiscard]] bool has_event(const std::string& code) const {
        return std::any_of(events.begin(), events.end(),
                           [&](const journal::JournalEvent& e) { return e.code == code; });
    }
};

// How a mid-run fault is armed: the run is held (operator hold at deposition t mid_run_s) until
// the writer has committed samples, so there is something committed before the fault to check
// whatever the writer's timing; then the fault is armed and, for on_resume, the run resumed (the
// resume's state_change event is the needle).
enum class MidRun { none, while_held, on_resume };

// One paper run with its journal opened through the fault VFS. `arm_at_start` is armed before
// the run starts; `arm_mid_run` as `mid` says. cut_at_s >= 0: power-loss mode, the power cut at
// that run time (past the end: after the run finished, before the session closes).
JournalFaultRun run_journal_fault(std::optional<VfsFault> arm_at_start, std::optional<VfsFault> arm_mid_run,
                                  MidRun mid = MidRun::none, double cut_at_s = -1.0) {
    JournalFaultRun r;
    FaultVfs& vfs = FaultVfs::install();
    vfs.reset(cut_at_s >= 0.0);
    const auto db = temp_db("jfault");
    auto options = sim_options("g-bi033sb067.toml", db, speed);
    options.run.journal_vfs = FaultVfs::name;
    options.run.operator_name = operator_name;
    VirtualRun lockstep(use_virtual_time(options));
    auto session = create_session(std::move(options));  // opens and migrates the file: before any fault
    if (!session) {
        ADD_FAILURE() << "RunSession::create: " << session.error().message;
        return r;
    }
    auto note_committed = [&](const app::RunSnapshot& s) {
        r.armed_at_s = s.t_s;
        r.samples_committed = s.samples_journaled;
        r.events_committed = s.events_journaled;
    };
    if (arm_at_start) vfs.arm(*arm_at_start);
    (*session)->start();
    bool held = false;
    bool mid_done = false;
    r.summary = lockstep.run_to_end(**session, limit_s, 0.02 * speed, [&](const app::RunSnapshot& s) {
        if (s.run_id > 0) r.run_id = s.run_id;
        if (mid_done) return;
        if (cut_at_s >= 0.0) {
            if (s.state == run::RunState::depositing && s.t_s >= cut_at_s) {
                note_committed(s);
                vfs.cut_power();
                mid_done = true;
            }
            return;
        }
        if (!arm_mid_run) return;
        if (!held && s.state == run::RunState::depositing && s.t_s >= mid_run_s) {
            (*session)->hold();
            held = true;
        } else if (held && s.state == run::RunState::held && s.samples_journaled > 0) {
            note_committed(s);
            vfs.arm(*arm_mid_run);
            if (mid == MidRun::on_resume) (*session)->resume();
            mid_done = true;
        }
    });
    const auto end = (*session)->snapshot();
    r.samples_final = end.samples_journaled;
    r.events_final = end.events_journaled;
    if (cut_at_s >= 0.0 && !mid_done) {  // after the end: everything reported is committed
        note_committed(end);
        vfs.cut_power();
    }
    if (auto sim = (*session)->sim_snapshot()) {
        r.output_on_at_end = sim->output_on;
        r.pump_running_at_end = sim->pump_running;
    }
    if (r.run_id == 0) r.run_id = r.summary.run_id;
    lockstep.release();
    session->reset();
    r.fired = vfs.fired();
    r.fired_where = vfs.fired_where();
    vfs.reset(false);  // the disk has room again; the power is back

    auto j = journal::RunJournal::open(db.string());
    if (!j) {
        ADD_FAILURE() << "reopen the journal: " << j.error().message;
        return r;
    }
    r.integrity = j->integrity_check().value_or("integrity_check failed");
    if (auto c = j->verify_chain()) {
        r.chain = "ok";
    } else {
        r.chain = c.error().where + ": " + c.error().message;
    }
    if (auto runs = j->list_runs()) r.runs = runs->size();
    if (r.run_id > 0) {
        if (auto rec = j->get_run(r.run_id)) r.record = *rec;
        if (auto sm = j->samples(r.run_id)) r.samples = std::move(*sm);
        if (auto ev = j->events(r.run_id)) r.events = std::move(*ev);
    }
    std::printf(
        "JFAULT armed/cut at t %.2f s: fired %d (%s); outcome %s (%s); output_on %d pump_running %d; "
        "committed before %llu samples %llu events, by the end %llu samples %llu events; after reopen: "
        "integrity %s, chain %s, status %s, "
        "%zu samples, %zu events; summary samples %llu\n",
        r.armed_at_s.value_or(-1.0), r.fired, r.fired_where.c_str(),
        std::string(run::to_string(r.summary.outcome)).c_str(), r.summary.cause.c_str(),
        r.output_on_at_end ? 1 : 0, r.pump_running_at_end ? 1 : 0,
        static_cast<unsigned long long>(r.samples_committed),
        static_cast<unsigned long long>(r.events_committed), static_cast<unsigned long long>(r.samples_final),
        static_cast<unsigned long long>(r.events_final), r.integrity.c_str(), r.chain.c_str(),
        r.record ? std::string(journal::to_string(r.record->status)).c_str() : "-", r.samples.size(),
        r.events.size(), static_cast<unsigned long long>(r.summary.samples));
    std::fflush(stdout);
    return r;
}

struct FaultKind {
    const char* name;
    VfsOp op;
    int rc;
    bool sticky;
};
// An I/O error that happens once, a disk that fills and stays full, an fsync that fails.
constexpr FaultKind fault_kinds[] = {
    {"ioerr_write", VfsOp::write, SQLITE_IOERR_WRITE, false},
    {"disk_full", VfsOp::write, SQLITE_FULL, true},
    {"ioerr_fsync", VfsOp::sync, SQLITE_IOERR_FSYNC, false},
};

JournalFaultRun run_point(Point point, const FaultKind& kind) {
    VfsFault f{.op = kind.op, .rc = kind.rc, .skip = 0, .needles = {}, .sticky = kind.sticky};
    std::printf("JFAULT point %s fault %s\n", point_name(point), kind.name);
    switch (point) {
        case Point::run_begin:
            f.needles = {operator_name};
            return run_journal_fault(f, std::nullopt);
        case Point::sample_batch:  // the first write once armed: the next batch of the held run
            return run_journal_fault(std::nullopt, f, MidRun::while_held);
        case Point::event:
            f.needles = {"operator resume"};
            return run_journal_fault(std::nullopt, f, MidRun::on_resume);
        case Point::run_totals:
            f.needles = {std::string(journal::run_totals_code)};
            return run_journal_fault(f, std::nullopt);
        case Point::run_end:  // the runs row as end_run rewrites it
            f.needles = {operator_name, "completed"};
            return run_journal_fault(f, std::nullopt);
    }
    return {};
}

void expect_safe_and_sound(const JournalFaultRun& r) {
    EXPECT_GE(r.fired, 1) << "the fault never reached its write point";
    EXPECT_EQ(r.summary.outcome, run::Outcome::faulted) << r.summary.cause;
    EXPECT_NE(r.summary.cause.find("journal"), std::string::npos) << r.summary.cause;
    EXPECT_FALSE(r.output_on_at_end) << "galvanostat output left on";
    EXPECT_FALSE(r.pump_running_at_end) << "pump left running";
    EXPECT_EQ(r.integrity, "ok");
    EXPECT_EQ(r.chain, "ok");
}

class JournalWritePoint : public ::testing::TestWithParam<std::tuple<Point, int>> {};

}  // namespace

TEST_P(JournalWritePoint, FaultEndsTheRunSafeAndKeepsWhatWasCommitted) {
    const auto [point, kind_index] = GetParam();
    const auto r = run_point(point, fault_kinds[kind_index]);
    expect_safe_and_sound(r);
    if (point == Point::run_begin) {  // nothing began: no run row, nothing energised
        EXPECT_EQ(r.runs, 0U);
        EXPECT_EQ(r.summary.run_id, 0);
        EXPECT_FALSE(r.summary.deposition_started);
        return;
    }
    ASSERT_TRUE(r.record.has_value()) << "the run's row is gone";
    EXPECT_NE(r.record->status, journal::RunStatus::completed);
    EXPECT_NE(r.record->status, journal::RunStatus::running) << "left running after the next open";
    // Every row the writer reported committed, before the fault and after it (a one-off error
    // loses its own batch; the writer goes on with the next one).
    EXPECT_GE(r.samples.size(), r.samples_final) << "committed samples are gone";
    EXPECT_GE(r.events.size(), r.events_final) << "committed events are gone";
    EXPECT_GE(r.samples_final, r.samples_committed);
    EXPECT_GT(r.samples.size(), 0U) << "nothing was committed before the fault: not the write point meant";
    // A writer that failed and was followed by a row that fit says so in the run's own record.
    if (point == Point::run_totals && !fault_kinds[kind_index].sticky) {
        EXPECT_TRUE(r.has_event("journal_write_failed"));
    }
    if (point == Point::run_end) {
        EXPECT_TRUE(r.has_event(std::string(journal::run_totals_code)));
    }
}

INSTANTIATE_TEST_SUITE_P(EveryPointEveryFault, JournalWritePoint,
                         ::testing::Combine(::testing::Values(Point::run_begin, Point::sample_batch,
                                                              Point::event, Point::run_totals,
                                                              Point::run_end),
                                            ::testing::Values(0, 1, 2)),
                         [](const auto& test) {
                             return std::string(point_name(std::get<0>(test.param))) + "_" +
                                    fault_kinds[std::get<1>(test.param)].name;
                         });

// ---- power loss ----------------------------------------------------------------------------

namespace {

constexpr double after_the_end = 1e9;

class JournalPowerLoss : public ::testing::TestWithParam<double> {};

}  // namespace

// The power goes at a run time (cut_power(): everything not fsynced is gone). The journal reopens
// sound; the run's row (begun, FULL) is there and marked interrupted; every sample and event the
// writer reported committed is there (each commit was fsynced); what is lost is only what had
// not committed: the samples after the last durable one, never a hole before it.
TEST_P(JournalPowerLoss, CutKeepsEveryCommittedRowAndOpensSound) {
    const double cut_at = GetParam();
    std::printf("JFAULT power cut at %s\n",
                cut_at >= after_the_end ? "the end" : std::to_string(cut_at).c_str());
    const auto r = run_journal_fault(std::nullopt, std::nullopt, MidRun::none, cut_at);
    ASSERT_TRUE(r.armed_at_s.has_value()) << "the power was never cut";
    EXPECT_FALSE(r.output_on_at_end) << "galvanostat output left on";
    EXPECT_FALSE(r.pump_running_at_end) << "pump left running";
    EXPECT_EQ(r.integrity, "ok");
    EXPECT_EQ(r.chain, "ok");
    ASSERT_TRUE(r.record.has_value()) << "the run's row (committed at begin_run) is gone";
    // Nothing commits after the cut (every write fails), so what the writer reported committed
    // by the end is what it had committed before the cut, exactly; the snapshot taken at the cut
    // is a lower bound that may lag a batch or two.
    EXPECT_GE(r.samples.size(), r.samples_final) << "samples committed before the cut are gone";
    EXPECT_GE(r.events.size(), r.events_final) << "events committed before the cut are gone";
    EXPECT_GE(r.samples_final, r.samples_committed);
    for (std::size_t i = 1; i < r.samples.size(); ++i) {
        ASSERT_GT(r.samples[i].t_s, r.samples[i - 1].t_s);
        ASSERT_LE(r.samples[i].t_s - r.samples[i - 1].t_s, 0.5) << "a hole before t " << r.samples[i].t_s;
    }
    const double last = r.samples.empty() ? 0.0 : r.samples.back().t_s;
    std::printf("JFAULT power cut at t %.2f s: last durable sample t %.2f s, %zu durable of %llu committed\n",
                *r.armed_at_s, last, r.samples.size(), static_cast<unsigned long long>(r.samples_final));
    if (cut_at >= after_the_end) {  // the run ended before the cut: all of it, completed and sealed
        EXPECT_EQ(r.summary.outcome, run::Outcome::completed) << r.summary.cause;
        EXPECT_EQ(r.record->status, journal::RunStatus::completed);
        EXPECT_EQ(r.samples.size(), r.summary.samples);
        EXPECT_TRUE(r.has_event(std::string(journal::run_totals_code)));
        EXPECT_TRUE(r.has_event("run_end"));
    } else {
        EXPECT_EQ(r.summary.outcome, run::Outcome::faulted) << r.summary.cause;
        EXPECT_EQ(r.record->status, journal::RunStatus::interrupted);
    }
}

INSTANTIATE_TEST_SUITE_P(SevenCuts, JournalPowerLoss,
                         ::testing::Values(0.0, 30.0, 60.0, 100.0, 140.0, 180.0, after_the_end),
                         [](const auto& test) {
                             return test.param >= after_the_end
                                        ? std::string("after_the_end")
                                        : "at_" + std::to_string(static_cast<int>(test.param)) + "_s";
                         });

// ---- the shim and the synchronous setting on their own --------------------------------------

namespace {

int exec(sqlite3* db, const char* sql) {
    return sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
}

// Rows of table t in the file at `path` read through the default VFS (-1: no such table).
int rows_on_disk(const std::string& path) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    sqlite3_stmt* st = nullptr;
    int n = -1;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM t", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

// One committed row in a WAL file at `synchronous`, then the power goes: rows left on disk.
int rows_after_power_cut(const char* synchronous) {
    FaultVfs& vfs = FaultVfs::install();
    vfs.reset(true);
    const auto path = temp_db(std::string("shim-") + synchronous).string();
    {
        sqlite3* setup = nullptr;  // the table exists on disk before the cut
        sqlite3_open_v2(path.c_str(), &setup, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
        EXPECT_EQ(exec(setup, "PRAGMA journal_mode = WAL; CREATE TABLE t (x)"), SQLITE_OK);
        sqlite3_close(setup);
    }
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, FaultVfs::name), SQLITE_OK);
    EXPECT_EQ(exec(db, (std::string("PRAGMA synchronous = ") + synchronous).c_str()), SQLITE_OK);
    EXPECT_EQ(exec(db, "INSERT INTO t VALUES (1)"), SQLITE_OK);  // committed: the call returned OK
    vfs.cut_power();
    sqlite3_close(db);
    vfs.reset(false);
    return rows_on_disk(path);
}

}  // namespace

// The shim really drops what was not fsynced: a commit at NORMAL (WAL not synced) is gone after
// the cut, one at FULL stays. Why the journal runs at FULL.
TEST(JournalFaultVfs, PowerCutDropsUnsyncedCommitsAndKeepsFullSyncedOnes) {
    EXPECT_EQ(rows_after_power_cut("NORMAL"), 0);
    EXPECT_EQ(rows_after_power_cut("FULL"), 1);
}

// The journal itself: a run begun and an event appended survive the cut that follows them.
TEST(JournalFaultVfs, RunJournalCommitsSurviveAPowerCut) {
    FaultVfs& vfs = FaultVfs::install();
    vfs.reset(true);
    const auto path = temp_db("shim-journal").string();
    std::int64_t id = 0;
    {
        auto j = journal::RunJournal::open(path, journal::OpenOptions{.vfs = FaultVfs::name});
        ASSERT_TRUE(j) << j.error().message;
        journal::RunStart start;
        start.recipe_name = "cut";
        auto begun = j->begin_run(start);
        ASSERT_TRUE(begun) << begun.error().message;
        id = *begun;
        ASSERT_TRUE(j->append_event(id, {1.0, "info", "before_cut", "committed"}));
        vfs.cut_power();
        EXPECT_FALSE(j->append_event(id, {2.0, "info", "after_cut", "the machine is off"}));
    }
    vfs.reset(false);
    auto j = journal::RunJournal::open(path);
    ASSERT_TRUE(j) << j.error().message;
    EXPECT_EQ(j->integrity_check().value_or("?"), "ok");
    auto run = j->get_run(id);
    ASSERT_TRUE(run) << run.error().message;
    EXPECT_EQ(run->status, journal::RunStatus::interrupted);
    auto events = j->events(id);
    ASSERT_TRUE(events);
    EXPECT_TRUE(
        std::any_of(events->begin(), events->end(), [](const auto& e) { return e.code == "before_cut"; }));
}

// The Nth write fails (skip = N - 1), and a truncation (the WAL's, at a TRUNCATE checkpoint).
TEST(JournalFaultVfs, FailsTheNthWriteAndATruncate) {
    FaultVfs& vfs = FaultVfs::install();
    vfs.reset(false);
    const auto path = temp_db("shim-nth").string();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, FaultVfs::name),
              SQLITE_OK);
    sqlite3_extended_result_codes(db, 1);
    ASSERT_EQ(exec(db, "PRAGMA journal_mode = WAL; CREATE TABLE t (x)"), SQLITE_OK);
    const int before = vfs.writes();
    vfs.arm({.op = VfsOp::write, .rc = SQLITE_IOERR_WRITE, .skip = 2, .needles = {}, .sticky = false});
    // A transaction of many pages: its third write fails, the transaction with it.
    EXPECT_EQ(exec(db,
                   "INSERT INTO t SELECT zeroblob(3000) FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL "
                   "SELECT i + 1 FROM c WHERE i < 20) SELECT i FROM c)"),
              SQLITE_IOERR_WRITE);
    EXPECT_EQ(vfs.fired(), 1);
    EXPECT_EQ(vfs.writes() - before, 3);
    EXPECT_EQ(exec(db, "INSERT INTO t VALUES (1)"), SQLITE_OK) << "a one-off error is gone after it fired";
    vfs.arm({.op = VfsOp::truncate, .rc = SQLITE_IOERR_TRUNCATE, .skip = 0, .needles = {}, .sticky = false});
    EXPECT_NE(exec(db, "PRAGMA wal_checkpoint(TRUNCATE)"), SQLITE_OK);
    EXPECT_EQ(vfs.fired(), 2);
    sqlite3_close(db);
    vfs.reset(false);
    EXPECT_EQ(rows_on_disk(path), 1);
}
