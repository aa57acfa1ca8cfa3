// Journal disk full (issue 6): the run's SQLite journal lives on a small tmpfs; mid-deposition a
// filler file takes the remaining space, so every later journal write fails with SQLITE_FULL.
// Nothing may be lost silently: the run must end faulted with an event naming the journal, the
// cell must reach its safe state as the simulator sees it, and everything committed before the
// disk filled must still be in the file and sound.
//
// Mounting needs root (CI runs as root); elsewhere the test is skipped with the reason.
#include <optional>

#include "fault_run.hpp"
#include "small_tmpfs.hpp"

using namespace edc;
using namespace edc::testing;
using namespace std::chrono_literals;


namespace {

constexpr double speed = 20.0;
constexpr double fill_at_s = 60.0;  // run seconds, mid-deposition

struct DiskFullRun {
    app::RunSummary summary;
    double filled_at = -1.0;
    std::size_t filler = 0;
    std::uint64_t committed_before_fill = 0;
    std::optional<journal::RunRecord> record;  // read back after the space is freed
    std::vector<journal::JournalSample> samples;
    std::vector<journal::JournalEvent> events;
    std::string integrity;
};

// Runs the paper recipe with its journal on a 16 MB tmpfs and fills the tmpfs at fill_at_s.
// nullopt when no tmpfs can be mounted (not root).
std::optional<DiskFullRun> run_into_full_disk(std::string& skip_reason) {
    SmallTmpfs fs("16m");
    if (!fs.mounted()) {
        skip_reason = "cannot mount a tmpfs (" + fs.error() + "): needs root, as in CI";
        return std::nullopt;
    }
    DiskFullRun d;
    const auto db = fs.dir() / "journal.sqlite";
    auto session = create_session(sim_options("g-bi033sb067.toml", db, speed));
    if (!session) {
        ADD_FAILURE() << session.error().message;
        return d;
    }
    (*session)->start();
    d.summary = run_to_end(**session, std::chrono::seconds(150), [&](const app::RunSnapshot& s) {
        if (d.filled_at < 0.0 && s.state == run::RunState::depositing && s.t_s > fill_at_s) {
            d.committed_before_fill = s.samples_journaled;
            d.filler = fs.fill();
            d.filled_at = s.t_s;
        }
    });
    session->reset();
    // Free the space, then read back what the file holds.
    std::filesystem::remove(fs.dir() / "filler");
    auto j = journal::RunJournal::open(db.string());
    if (!j) {
        ADD_FAILURE() << j.error().message;
        return d;
    }
    d.integrity = j->integrity_check().value_or("?");
    if (auto r = j->get_run(d.summary.run_id)) d.record = *r;
    if (auto sm = j->samples(d.summary.run_id)) d.samples = std::move(*sm);
    if (auto ev = j->events(d.summary.run_id)) d.events = std::move(*ev);
    std::printf("DISKFULL filled %zu bytes at run t %.2f s with %llu samples committed; outcome %s (%s); "
                "safe state confirmed %d; summary samples %llu; journal after: status %s, %zu samples (last t %.2f s)\n",
                d.filler, d.filled_at, static_cast<unsigned long long>(d.committed_before_fill),
                std::string(run::to_string(d.summary.outcome)).c_str(), d.summary.cause.c_str(),
                d.summary.safe_state_confirmed ? 1 : 0, static_cast<unsigned long long>(d.summary.samples),
                d.record ? std::string(journal::to_string(d.record->status)).c_str() : "?", d.samples.size(),
                d.samples.empty() ? -1.0 : d.samples.back().t_s);
    std::fflush(stdout);
    return d;
}

}  // namespace

TEST(FaultJournalDiskFull, DiskFullLeavesTheCellSafeAndTheCommittedRecordSound) {
    std::string skip;
    const auto d = run_into_full_disk(skip);
    if (!d) GTEST_SKIP() << skip;
    ASSERT_GE(d->filled_at, 0.0) << "the run never reached the fill point";
    // The cell is safe whatever happened to the journal.
    EXPECT_TRUE(d->summary.safe_state_confirmed);
    // What was committed before the disk filled is intact, sound and contiguous.
    EXPECT_EQ(d->integrity, "ok");
    ASSERT_TRUE(d->record.has_value());
    EXPECT_NE(d->record->status, journal::RunStatus::completed) << "recorded as completed although samples were lost";
    EXPECT_NE(d->record->status, journal::RunStatus::running) << "left running after the next open";
    EXPECT_GE(d->samples.size(), d->committed_before_fill) << "rows committed before the disk filled are gone";
    for (std::size_t i = 1; i < d->samples.size(); ++i) {
        ASSERT_GT(d->samples[i].t_s, d->samples[i - 1].t_s);
        ASSERT_LE(d->samples[i].t_s - d->samples[i - 1].t_s, 0.5) << "gap before t " << d->samples[i].t_s;
    }
}

// A journal that cannot write is a fault: the supervisor polls the writer's first error and
// drives the cell safe. The final status cannot be written to a full disk either, so the row is
// left 'running' and the next open marks it 'interrupted'; the cause reaches the operator
// through the run's summary (and the CLI's exit code 4).
TEST(FaultJournalDiskFull, DiskFullMidDepositionFaultsTheRunNamingTheJournal) {
    std::string skip;
    const auto d = run_into_full_disk(skip);
    if (!d) GTEST_SKIP() << skip;
    ASSERT_GE(d->filled_at, 0.0) << "the run never reached the fill point";
    EXPECT_EQ(d->summary.outcome, run::Outcome::faulted) << "cause: " << d->summary.cause;
    EXPECT_NE(d->summary.cause.find("journal"), std::string::npos) << d->summary.cause;
    EXPECT_TRUE(d->summary.safe_state_confirmed);
    ASSERT_TRUE(d->record.has_value());
    EXPECT_EQ(d->record->status, journal::RunStatus::interrupted);
}
