#pragma once
// Calls a tick on absolute deadlines (clock_nanosleep TIMER_ABSTIME on CLOCK_MONOTONIC, or the
// run's clock when one is given: then period_s is in its seconds), so the period does not drift
// with the tick's own run time. Tries SCHED_FIFO and mlockall and
// records whether they were granted (the caller logs that, outside the loop); counts
// overruns; stops when asked from any thread.
#include <atomic>
#include <cstdint>
#include <ctime>

#include "control/clock/clock.hpp"

namespace edc::loop {

struct LoopOptions {
    double period_s = 0.05;
    int fifo_priority = 80;  // SCHED_FIFO priority if granted
    bool try_realtime = true;
    bool try_lock_memory = true;  // mlockall(MCL_CURRENT | MCL_FUTURE)
    std::uint64_t max_ticks = 0;  // 0: until stop()
    clk::Clock* clock = nullptr;  // the run's clock (its waits, its seconds); null: CLOCK_MONOTONIC
};

struct LoopStats {
    bool realtime_granted = false;
    int realtime_errno = 0;  // why not, when not granted
    bool memory_locked = false;
    int lock_errno = 0;
    std::uint64_t ticks = 0;
    std::uint64_t overruns = 0;   // ticks that ended after the next deadline
    double max_lateness_s = 0.0;  // worst wake-up after a deadline
};

struct TickContext {
    double time_s;  // since the loop started, at the deadline (not the wake-up)
    std::uint64_t index;
};

class LoopRunner {
public:
    explicit LoopRunner(const LoopOptions& options) : options_(options) {}

    // Runs on the calling thread until stop() or max_ticks. tick(const TickContext&) must not
    // block. Returns the statistics (also readable while running through ticks()/overruns()).
    template <class Tick>
    LoopStats run(Tick&& tick);

    // Any thread; a wait on the run's clock ends at once.
    void stop() noexcept {
        stop_.store(true, std::memory_order_relaxed);
        if (options_.clock != nullptr) options_.clock->notify();
    }
    [[nodiscard]] std::uint64_t ticks() const noexcept { return ticks_.load(std::memory_order_relaxed); }
    [[nodiscard]] std::uint64_t overruns() const noexcept {
        return overruns_.load(std::memory_order_relaxed);
    }

private:
    struct Privileges {
        int old_policy = 0;
        int old_priority = 0;
        bool changed_policy = false;
    };
    Privileges acquire(LoopStats& stats) noexcept;
    void release(const Privileges& p, const LoopStats& stats) noexcept;
    static timespec now() noexcept;
    static void add_ns(timespec& t, std::int64_t ns) noexcept;
    static double diff_s(const timespec& a, const timespec& b) noexcept;  // a - b
    static void sleep_until(const timespec& t) noexcept;
    template <class Tick>
    LoopStats run_on_clock(clk::Clock& clock, Tick&& tick);

    LoopOptions options_;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> ticks_{0};
    std::atomic<std::uint64_t> overruns_{0};
};

template <class Tick>
LoopStats LoopRunner::run(Tick&& tick) {
    if (options_.clock != nullptr) return run_on_clock(*options_.clock, tick);
    LoopStats stats;
    const Privileges priv = acquire(stats);
    const auto period_ns = static_cast<std::int64_t>(options_.period_s * 1e9);
    const timespec start = now();
    timespec deadline = start;
    std::uint64_t index = 0;
    while (!stop_.load(std::memory_order_relaxed) &&
           (options_.max_ticks == 0 || index < options_.max_ticks)) {
        sleep_until(deadline);
        const double late = diff_s(now(), deadline);
        if (late > stats.max_lateness_s) stats.max_lateness_s = late;
        tick(TickContext{diff_s(deadline, start), index});
        ++index;
        ticks_.store(index, std::memory_order_relaxed);
        add_ns(deadline, period_ns);
        // An overrun skips the deadlines already missed rather than firing a burst of ticks.
        const timespec after = now();
        if (diff_s(after, deadline) > 0.0) {
            overruns_.fetch_add(1, std::memory_order_relaxed);
            const auto missed = static_cast<std::int64_t>(diff_s(after, deadline) * 1e9) / period_ns + 1;
            add_ns(deadline, missed * period_ns);
        }
    }
    stats.ticks = index;
    stats.overruns = overruns_.load(std::memory_order_relaxed);
    release(priv, stats);
    return stats;
}

// The same schedule on the run's clock, woken early by stop().
template <class Tick>
LoopStats LoopRunner::run_on_clock(clk::Clock& clock, Tick&& tick) {
    LoopStats stats;
    const Privileges priv = acquire(stats);
    const double period = options_.period_s;
    const double start = clock.now_s();
    double deadline = start;
    std::uint64_t index = 0;
    while (!stop_.load(std::memory_order_relaxed) &&
           (options_.max_ticks == 0 || index < options_.max_ticks)) {
        for (;;) {
            const auto gen = clock.generation();
            if (stop_.load(std::memory_order_relaxed) || clock.now_s() >= deadline) break;
            clock.wait_change(gen, deadline);
        }
        if (stop_.load(std::memory_order_relaxed)) break;
        const double late = clock.now_s() - deadline;
        if (late > stats.max_lateness_s) stats.max_lateness_s = late;
        tick(TickContext{deadline - start, index});
        ++index;
        ticks_.store(index, std::memory_order_relaxed);
        deadline += period;
        const double after = clock.now_s();
        if (after > deadline) {
            overruns_.fetch_add(1, std::memory_order_relaxed);
            deadline += (static_cast<double>(static_cast<std::int64_t>((after - deadline) / period)) + 1.0) * period;
        }
    }
    stats.ticks = index;
    stats.overruns = overruns_.load(std::memory_order_relaxed);
    release(priv, stats);
    return stats;
}

}  // namespace edc::loop
