#pragma once
// The journal thread: takes samples and events from queues and writes them to SQLite in
// batches, one transaction per batch.
//
// Loss bound: a batch is committed at least every `flush_interval` (default 100 ms; sooner
// once a quarter of the queue has filled), and committing an interval's samples takes a few
// ms, so a kill -9 or a power loss loses at most the samples pushed in the last 200 ms (on a
// machine that gives the writer a core: at load average 11 on 2 cores up to 0.3 s more), and
// never what was committed: each commit is fsynced (synchronous = FULL, run_journal.hpp). The
// interval is kept on the run's clock (`clock`: a wall clock at `speed` converts it, a virtual
// clock holds run time still while a batch is committed, so a kill at run time T there loses at
// most the samples after the last commit, flush_interval of run time at the clock's speed 1).
// Nothing is dropped silently: when the sample queue is full, push() counts the sample and the
// writer journals a "journal_overflow" event with the count.
//
// Threads: push() is for ONE producer (the control loop) and is wait-free: no lock, no
// allocation, no system call. push_event() takes a mutex and allocates: call it from the
// supervisor or any non-real-time thread, never from the tick.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/journal/journal_records.hpp"
#include "app/journal/run_journal.hpp"
#include "app/journal/sample_ring.hpp"
#include "control/clock/clock.hpp"
#include "control/error.hpp"

namespace edc::journal {

struct JournalWriterOptions {
    std::shared_ptr<clk::Clock> clock;  // the run's clock (absent: the steady clock); the writer's
                                        // thread is attached to it
    std::size_t sample_capacity = 1U << 16;  // ~6.5 s at 10 kHz, ~1.8 h at 10 Hz
    std::chrono::milliseconds flush_interval{100};
    std::size_t max_batch = 1U << 15;  // samples per transaction
    std::string vfs;                   // SQLite VFS for the writer's connection (OpenOptions::vfs)
};

class JournalWriter {
public:
    // Opens its own connection to the journal at `path` (without marking runs interrupted) and
    // starts the thread. The run must have been begun (RunJournal::begin_run) by the caller.
    [[nodiscard]] static Result<std::unique_ptr<JournalWriter>> start(const std::string& path,
                                                                      std::int64_t run_id,
                                                                      JournalWriterOptions options = {});
    ~JournalWriter();  // stop()
    JournalWriter(const JournalWriter&) = delete;
    JournalWriter& operator=(const JournalWriter&) = delete;

    // Real-time safe (one producer thread). False if the queue was full: counted, journaled later.
    bool push(const JournalSample& sample) noexcept;
    // Not real-time safe (mutex). Events are written with the next batch.
    void push_event(JournalEvent event);

    // Blocks until everything pushed before the call is committed; the first write error since
    // start, if any (the writer keeps trying; the run decides whether that is a fault).
    [[nodiscard]] Result<void> flush();
    // Drains everything, stops the thread. Idempotent.
    [[nodiscard]] Result<void> stop();

    // The first write error since start, without waiting (the supervisor polls it: a journal
    // that cannot write is a fault, not a silent loss). Not real-time safe (mutex).
    [[nodiscard]] std::optional<Error> error() const;
    [[nodiscard]] std::uint64_t samples_written() const noexcept { return samples_written_.load(); }
    [[nodiscard]] std::uint64_t events_written() const noexcept { return events_written_.load(); }
    [[nodiscard]] std::uint64_t samples_overflowed() const noexcept { return overflowed_.load(); }
    [[nodiscard]] std::uint64_t batches_written() const noexcept { return batches_written_.load(); }
    [[nodiscard]] std::int64_t run_id() const noexcept { return run_id_; }
    // Tests only (issue 11, defect 6): the writer's thread throws `what` before its next batch
    // (nothing queued is lost); the thread body catches it and it becomes error().
    void throw_in_thread(std::string what);

private:
    JournalWriter(RunJournal journal, std::int64_t run_id, const JournalWriterOptions& options);
    void run();
    void write_pending();

    RunJournal journal_;
    const std::int64_t run_id_;
    const JournalWriterOptions options_;
    SampleRing<JournalSample> samples_;
    std::vector<JournalSample> batch_;  // writer thread only

    std::shared_ptr<clk::Clock> clock_;
    mutable std::mutex mutex_;  // guards everything below up to the atomics
    clk::ClockCondition wake_;
    std::condition_variable flushed_;
    std::vector<JournalEvent> events_;
    std::uint64_t flush_requested_ = 0;
    std::uint64_t flush_done_ = 0;
    bool stopping_ = false;
    std::optional<Error> first_error_;
    std::string throw_what_;  // throw_in_thread()'s, until thrown

    std::atomic<std::uint64_t> overflowed_{0};  // counted by push()
    std::uint64_t overflow_journaled_ = 0;      // writer thread only
    double last_t_s_ = 0.0;                     // writer thread only
    std::atomic<std::uint64_t> samples_written_{0};
    std::atomic<std::uint64_t> events_written_{0};
    std::atomic<std::uint64_t> batches_written_{0};
    std::thread thread_;
};

}  // namespace edc::journal
