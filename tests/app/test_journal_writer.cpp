// The journal thread: batching, periodic commits, overflow accounting, flush and stop.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>
#include <utility>

#include <sqlite3.h>

#include "app/journal/journal_writer.hpp"
#include "app/journal/run_journal.hpp"
#include "control/clock/virtual_clock.hpp"
#include "tests/app/test_journal_support.hpp"

using namespace edc::journal;
using edc::journal::test::run_start;
using edc::journal::test::sample_at;
using edc::journal::test::TempDir;

namespace {

struct Fixture {
    TempDir dir;
    std::string path = dir.file("edc.sqlite");
    RunJournal journal = RunJournal::open(path).value();
    std::int64_t run_id = journal.begin_run(run_start()).value();
};

JournalWriterOptions writer_options(std::size_t capacity, int flush_ms, std::size_t batch,
                                   std::shared_ptr<edc::clk::Clock> clock = nullptr) {
    JournalWriterOptions o;
    o.clock = std::move(clock);
    o.sample_capacity = capacity;
    o.flush_interval = std::chrono::milliseconds(flush_ms);
    o.max_batch = batch;
    return o;
}

}  // namespace

TEST(JournalWriter, WritesEverySampleInOrderAfterFlush) {
    Fixture f;
    auto w = JournalWriter::start(f.path, f.run_id).value();
    for (int i = 0; i < 10000; ++i) ASSERT_TRUE(w->push(sample_at(i)));
    ASSERT_TRUE(w->flush().has_value());
    EXPECT_EQ(w->samples_written(), 10000U);
    const auto rows = f.journal.samples(f.run_id).value();
    ASSERT_EQ(rows.size(), 10000U);
    for (int i = 0; i < 10000; ++i) ASSERT_EQ(rows[static_cast<std::size_t>(i)].t_s, sample_at(i).t_s) << i;
}

TEST(JournalWriter, CommitsWithoutBeingAskedWithinTheFlushInterval) {
    Fixture f;
    auto w = JournalWriter::start(f.path, f.run_id, writer_options(1024, 50, 512)).value();
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(w->push(sample_at(i)));
    // No flush(): the writer commits on its own timer. Poll another connection for up to 2 s.
    std::size_t seen = 0;
    for (int tries = 0; tries < 200 && seen < 10; ++tries) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        seen = f.journal.samples(f.run_id)->size();
    }
    EXPECT_EQ(seen, 10U);
}

// On a run's virtual clock the interval is run time, and time stands still while a batch is
// committed: after 0.1 s of run time everything pushed before is in the file, and not before.
TEST(JournalWriter, OnAVirtualClockCommitsEachFlushIntervalOfRunTime) {
    Fixture f;
    auto clock = std::make_shared<edc::clk::VirtualClock>(1.0);
    const edc::clk::Attachment self(*clock);
    auto w = JournalWriter::start(f.path, f.run_id, writer_options(1U << 16, 100, 1U << 15, clock))
                 .value();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(w->push(sample_at(i)));
    clock->sleep_for(0.099);
    EXPECT_EQ(f.journal.samples(f.run_id)->size(), 0U) << "committed before its interval";
    clock->sleep_for(0.002);
    EXPECT_EQ(f.journal.samples(f.run_id)->size(), 5U) << "not committed at its interval";
    for (int i = 5; i < 8; ++i) ASSERT_TRUE(w->push(sample_at(i)));
    clock->sleep_for(0.1);
    EXPECT_EQ(f.journal.samples(f.run_id)->size(), 8U);
    ASSERT_TRUE(w->stop().has_value());
}

TEST(JournalWriter, LargeBacklogIsSplitIntoBatches) {
    Fixture f;
    auto w = JournalWriter::start(f.path, f.run_id, writer_options(4096, 1000, 1000)).value();
    for (int i = 0; i < 3500; ++i) ASSERT_TRUE(w->push(sample_at(i)));
    ASSERT_TRUE(w->flush().has_value());
    EXPECT_EQ(w->samples_written(), 3500U);
    EXPECT_GE(w->batches_written(), 4U);  // 1000 + 1000 + 1000 + 500 at least
    EXPECT_EQ(f.journal.samples(f.run_id)->size(), 3500U);
}

TEST(JournalWriter, EventsAreWrittenWithTheNextBatch) {
    Fixture f;
    auto w = JournalWriter::start(f.path, f.run_id).value();
    w->push_event({1.5, "info", "state_change", "priming -> depositing"});
    ASSERT_TRUE(w->push(sample_at(15)));
    ASSERT_TRUE(w->flush().has_value());
    const auto events = f.journal.events(f.run_id).value();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].message, "priming -> depositing");
}

TEST(JournalWriter, FullQueueIsCountedAndJournaledNotDropped) {
    Fixture f;
    // A 1 s flush interval and a 64-sample queue: pushing 100 at once overflows by 36.
    auto w = JournalWriter::start(f.path, f.run_id, writer_options(64, 1000, 64)).value();
    int accepted = 0;
    for (int i = 0; i < 100; ++i) accepted += w->push(sample_at(i)) ? 1 : 0;
    EXPECT_EQ(accepted, 64);
    EXPECT_EQ(w->samples_overflowed(), 36U);
    ASSERT_TRUE(w->flush().has_value());
    EXPECT_EQ(f.journal.samples(f.run_id)->size(), 64U);
    const auto events = f.journal.events(f.run_id).value();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].code, "journal_overflow");
    EXPECT_EQ(events[0].level, "error");
    EXPECT_EQ(events[0].message, "36 samples could not be queued for the journal (queue of 64 full): the journal "
                                 "fell behind the control loop");
    // Journaled once: a second flush adds nothing.
    ASSERT_TRUE(w->flush().has_value());
    EXPECT_EQ(f.journal.events(f.run_id)->size(), 1U);
}

TEST(JournalWriter, StopDrainsEverythingAndIsIdempotent) {
    Fixture f;
    auto w = JournalWriter::start(f.path, f.run_id, writer_options(1U << 15, 5000, 4096)).value();
    for (int i = 0; i < 20000; ++i) ASSERT_TRUE(w->push(sample_at(i)));
    w->push_event({2000.0, "info", "state_change", "stopping -> completed"});
    ASSERT_TRUE(w->stop().has_value());
    ASSERT_TRUE(w->stop().has_value());
    EXPECT_EQ(f.journal.samples(f.run_id)->size(), 20000U);
    EXPECT_EQ(f.journal.events(f.run_id)->size(), 1U);
    EXPECT_TRUE(w->flush().has_value());  // after stop: returns at once
}

TEST(JournalWriter, ConcurrentProducerLosesNothing) {
    Fixture f;
    auto w = JournalWriter::start(f.path, f.run_id, writer_options(1U << 17, 20, 8192)).value();
    std::thread producer([&] {
        for (int i = 0; i < 100000; ++i) {
            while (!w->push(sample_at(i))) std::this_thread::yield();  // this test must not overflow
        }
    });
    producer.join();
    ASSERT_TRUE(w->stop().has_value());
    const auto rows = f.journal.samples(f.run_id).value();
    ASSERT_EQ(rows.size(), 100000U);
    for (std::size_t i = 0; i < rows.size(); ++i) ASSERT_EQ(rows[i].t_s, sample_at(static_cast<std::int64_t>(i)).t_s);
    EXPECT_EQ(f.journal.integrity_check().value(), "ok");
}

TEST(JournalWriter, RefusesARunThatIsNotRunning) {
    Fixture f;
    ASSERT_TRUE(f.journal.end_run(f.run_id, RunStatus::completed).has_value());
    auto w = JournalWriter::start(f.path, f.run_id);
    ASSERT_FALSE(w.has_value());
    EXPECT_EQ(w.error().code, "journal_error");
}

TEST(JournalWriter, WriteFailureIsReportedNotSwallowed) {
    Fixture f;
    auto w = JournalWriter::start(f.path, f.run_id, writer_options(64, 1000, 64)).value();
    // Another connection removes the samples table out from under the writer.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(f.path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DROP TABLE samples", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    ASSERT_TRUE(w->push(sample_at(0)));
    auto flushed = w->flush();
    ASSERT_FALSE(flushed.has_value());
    EXPECT_NE(flushed.error().message.find("journal write of 1 samples"), std::string::npos) << flushed.error().message;
}
