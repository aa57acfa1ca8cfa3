#pragma once
// The control loop (the controller in ros2_control's terms): the charge-indexed scheduler and
// the interlocks, ticked on absolute deadlines by loop::LoopRunner. Readings come in through
// SPSC queues (one producer each: the instrument channels), tick records go out through one
// (to the supervisor), journal samples go to the writer's wait-free push. No lock, no
// allocation, no test hook in the tick.
//
// Thread: owns one, from start() to stop(). step() is that thread's tick, public so a test can
// drive the loop by hand without the thread.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "app/journal/journal_writer.hpp"
#include "app/runtime/run_clock.hpp"
#include "app/runtime/run_records.hpp"
#include "control/loop/loop_runner.hpp"
#include "control/loop/scheduler.hpp"
#include "control/loop/spsc_queue.hpp"
#include "control/plan/feed_plan.hpp"
#include "control/run/interlocks.hpp"

namespace edc::app {

struct LoopSettings {
    double loop_hz = 20.0;    // ticks per run second
    double sample_hz = 10.0;  // journal samples and tick records per run second
    run::InterlockLimits limits{};
    std::size_t tick_queue_capacity = 4096;  // power of two
};

class ControlLoop {
public:
    ControlLoop(const plan::FeedPlan& plan, const model::CellParams& cell, const plan::PumpLimits& pump,
                const LoopSettings& settings, const RunClock& clock, FeedCommand& feed);
    ~ControlLoop();
    ControlLoop(const ControlLoop&) = delete;
    ControlLoop& operator=(const ControlLoop&) = delete;

    [[nodiscard]] loop::SpscQueue<GalvanostatSample>& galvanostat_samples() noexcept {
        return galvanostat_q_;
    }
    [[nodiscard]] loop::SpscQueue<PumpSample>& pump_samples() noexcept { return pump_q_; }

    // Starts the thread. `current_on`: whether the galvanostat's output is on (its channel);
    // `writer`: the journal (may be null).
    // `on_exception`: an exception escaped the loop (the loop has stopped ticking; the caller
    // faults the run, which drives the safe state).
    // Before start(): a new plan and limits (a resumed run's plan, known once the instruments
    // have been asked what they did while no controller watched them).
    void replan(const plan::FeedPlan& plan, const model::CellParams& cell, const plan::PumpLimits& pump,
                const run::InterlockLimits& limits);
    void start(const std::atomic<bool>& current_on, journal::JournalWriter* writer,
               std::function<void(const std::string&)> on_exception);
    void stop();    // joins; idempotent
    void freeze();  // the thread keeps running but stops ticking: a stalled loop, for the watchdog
    // Tests only (issue 11, defect 6): the loop's thread throws between two ticks, never inside
    // one; the exception reaches on_exception like any that escapes the loop.
    void throw_in_thread();
    [[nodiscard]] bool running() const noexcept { return running_.load(); }

    // Supervisor side.
    [[nodiscard]] bool pop_record(TickRecord& out) noexcept { return tick_q_.try_pop(out); }
    [[nodiscard]] double last_tick_s() const noexcept { return last_tick_s_.load(std::memory_order_relaxed); }
    [[nodiscard]] std::uint64_t overruns() const noexcept {
        return overruns_.load(std::memory_order_relaxed);
    }

    // One tick at run time t (the loop thread's body).
    void step(double t, const std::atomic<bool>& current_on, journal::JournalWriter* writer);

private:
    void run(const std::atomic<bool>* current_on, journal::JournalWriter* writer);

    loop::Scheduler scheduler_;
    LoopSettings settings_;
    const RunClock& clock_;
    FeedCommand& feed_;
    loop::SpscQueue<GalvanostatSample> galvanostat_q_{256};
    loop::SpscQueue<PumpSample> pump_q_{256};
    loop::SpscQueue<TickRecord> tick_q_;

    // loop thread only
    GalvanostatSample g_{};
    PumpSample p_{};
    bool have_g_ = false;
    bool have_p_ = false;
    bool tripped_ = false;      // the interlocks tripped once: checked no more
    bool trip_unsent_ = false;  // ... and the supervisor has not been told yet: resent each tick
    run::InterlockReport trip_{};
    bool done_seen_ = false;    // the scheduler reported done once
    bool done_unsent_ = false;  // ... and no record since has reached the supervisor
    double next_sample_s_ = 0.0;

    enum Halt : int { go = 0, frozen = 1, stopping = 2, throwing = 3 };
    std::atomic<int> halt_{go};
    std::atomic<bool> running_{false};
    std::atomic<double> last_tick_s_{0.0};
    std::atomic<std::uint64_t> overruns_{0};
    std::unique_ptr<loop::LoopRunner> runner_;  // made by start(): stop() wakes it
    std::thread thread_;
};

}  // namespace edc::app
