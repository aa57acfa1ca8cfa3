#pragma once
// RunSession's machinery; see run_session.hpp for the threads and their roles.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/journal/journal_writer.hpp"
#include "app/journal/run_journal.hpp"
#include "app/runtime/instrument_worker.hpp"
#include "app/runtime/run_clock.hpp"
#include "app/runtime/run_session.hpp"
#include "control/loop/scheduler.hpp"
#include "control/loop/spsc_queue.hpp"
#include "control/plan/feed_plan.hpp"
#include "control/run/interlocks.hpp"
#include "control/run/run_state.hpp"
#include "drivers/galvanostat/galvanostat.hpp"
#include "drivers/io/io_thread.hpp"
#include "drivers/pump/syringe_pump.hpp"
#include "drivers/sim/sim_host.hpp"

namespace edc::app {

// Galvanostat worker -> scheduler.
struct GalvanostatSample {
    double t_s = 0.0;
    double current_a = 0.0;  // cathodic positive
    double potential_v = 0.0;
    bool in_compliance = false;
};

// Pump worker -> scheduler.
struct PumpSample {
    double t_s = 0.0;
    double dispensed_m3 = 0.0;
};

// Scheduler -> supervisor, at the journal's sample rate and on every trip or completion.
struct TickRecord {
    double t_s = 0.0;
    loop::SchedulerOutput out;
    double current_a = 0.0;
    double potential_v = 0.0;
    double dispensed_m3 = 0.0;
    bool tripped = false;
    run::InterlockReport trip{};
};

class RunSession::Impl {
public:
    Impl(RunOptions options, plan::FeedPlan plan, journal::RunJournal journal);
    ~Impl();

    Result<void> start_simulators();
    void start();
    void post_command(run::EventKind kind, std::string cause);
    RunSnapshot snapshot() const;
    std::vector<RunEventRecord> take_events();
    bool finished() const;
    RunSummary wait();
    std::optional<sim::SimSnapshot> sim_snapshot() const;

private:
    // every thread body runs inside these (no exception leaves a thread)
    void guarded(const char* thread, const std::function<void()>& body) noexcept;
    void supervise_guarded() noexcept;
    void finish_without_supervisor(const std::string& what) noexcept;

    // supervisor thread
    void supervise();
    void handle(const run::RunEvent& event);
    void execute(run::Action action);
    void check_instruments();
    void prime();
    void start_deposition();
    void pause_deposition();
    void resume_deposition();
    void enter_safe_state();
    void close_journal();
    void drain_ticks();
    void fault(const std::string& code, const std::string& message);  // any thread
    void record(const std::string& level, const std::string& code, const std::string& message);
    [[nodiscard]] double run_time() const { return clock_.now_s() - t0_; }
    [[nodiscard]] bool abort_requested() const;

    // scheduler thread
    void schedule();

    // instrument worker periodic functions
    void poll_galvanostat(Galvanostat& g);
    void watch_held_galvanostat(Galvanostat& g);
    void poll_pump(SyringePump& p);

    RunOptions options_;
    plan::FeedPlan plan_;
    journal::RunJournal journal_;
    RunClock clock_;
    double t0_ = 0.0;
    double deposition_start_s_ = 0.0;
    double current_a_ = 0.0;  // set point, cathodic positive
    run::InterlockLimits limits_{};

    std::unique_ptr<sim::SimHost> sim_;
    sim::SimEndpoints endpoints_;
    // Injected faults fire at run time (from start(), t = 0), not at the simulator's own clock,
    // which starts in create(): a thread sleeps until each one and fires it into the simulator.
    void inject_faults(std::chrono::steady_clock::time_point t0, double speed);
    void stop_fault_injector();
    std::vector<sim::FaultSpec> fault_plan_;
    std::thread injector_;
    std::mutex injector_mutex_;
    std::condition_variable injector_cv_;
    bool injector_stop_ = false;
    std::unique_ptr<io::IoThread> io_;
    std::unique_ptr<InstrumentWorker<Galvanostat>> galvanostat_;
    std::unique_ptr<InstrumentWorker<SyringePump>> pump_;
    std::unique_ptr<journal::JournalWriter> writer_;
    std::int64_t run_id_ = 0;

    run::RunStateMachine machine_;
    std::deque<run::RunEvent> pending_;  // supervisor only
    bool journal_failed_ = false;        // supervisor only

    // scheduler thread and its queues
    std::thread scheduler_thread_;
    std::atomic<bool> scheduler_stop_{false};
    std::atomic<bool> scheduler_running_{false};
    std::atomic<long long> last_tick_ns_{0};
    std::atomic<std::uint64_t> overruns_{0};
    loop::SpscQueue<GalvanostatSample> galvanostat_q_{256};
    loop::SpscQueue<PumpSample> pump_q_{256};
    loop::SpscQueue<TickRecord> tick_q_{4096};
    std::atomic<double> commanded_rate_{0.0};
    std::atomic<bool> current_on_{false};
    std::atomic<bool> pump_enabled_{false};
    std::atomic<bool> pump_feeding_{false};  // the scheduler sets the pump's rate (from the first deposition)
    std::atomic<bool> galvanostat_failed_{false};
    std::atomic<bool> pump_failed_{false};

    // Set by the galvanostat worker once a hold has switched the output off; cleared by resume and
    // by the safe state. While set, the worker watches the idle instrument instead of reading it.
    std::atomic<bool> galvanostat_held_{false};
    // galvanostat worker thread only
    std::chrono::steady_clock::time_point next_held_check_{};

    // pump worker state (pump worker thread only)
    bool pump_running_ = false;
    double pump_rate_set_ = 0.0;

    // last values seen by the supervisor
    TickRecord last_tick_{};

    mutable std::mutex mutex_;  // guards everything below
    std::condition_variable done_cv_;
    std::deque<run::RunEvent> commands_;  // operator commands and faults from any thread
    RunSnapshot snapshot_;
    std::vector<RunEventRecord> events_;
    std::vector<journal::JournalEvent> unjournaled_;  // before the writer exists
    bool finished_ = false;
    bool fault_reported_ = false;
    bool abort_requested_ = false;
    RunSummary summary_;
    std::thread supervisor_;
};

}  // namespace edc::app
