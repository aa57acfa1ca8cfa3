#pragma once
// The supervisor (the controller manager in ros2_control's terms): owns the run's state machine
// and the loop watchdog, takes events from one queue (operator commands, faults from any
// thread, the completions of its own actions) and never blocks: every action the machine asks
// for is posted as a job to one job thread, in order, and its completion comes back as an
// event. Abort and faults are handled while a job is still running (the job sees cancelled()).
//
// Threads: owns two, the supervisor's and the job thread; both end when the run is final and
// its last job (close_journal) is done.
#include <atomic>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "control/clock/clock.hpp"
#include "control/run/interlocks.hpp"
#include "control/run/run_state.hpp"

namespace edc::app {

// One action for the job thread, with the run's verdict as it stood when the action was asked
// for (final by the time close_journal is asked for).
struct ActionJob {
    run::Action action = run::Action::check_instruments;
    run::Outcome outcome = run::Outcome::none;
    std::string cause;
};

// What the supervisor drives (RunSession's machinery, or a fake in a test).
class SupervisedRun {
public:
    virtual ~SupervisedRun() = default;
    // Job thread: carries out one action (may block on instruments). The returned event (the
    // action's completion, e.g. checks_passed) goes back into the supervisor's queue; faults
    // are reported through the supervisor's post() like any other.
    virtual std::optional<run::RunEvent> perform(const ActionJob& job) = 0;
    // Supervisor thread, every turn, must not block: events the run has seen by itself (the
    // loop's interlock trips and completion, journal write errors).
    virtual void observe(run::RunState state, std::vector<run::RunEvent>& out) = 0;
    // Supervisor thread: a transition was accepted (from != to, or a state that asks for its
    // action again: stopping -> stopping on a fault during the safe state) or refused.
    virtual void transitioned(const run::Transition& t, const run::RunEvent& event) = 0;
    virtual void refused(const run::Transition& t, const run::RunEvent& event) = 0;
    // The control loop's last tick in run seconds; nullopt while it does not run.
    [[nodiscard]] virtual std::optional<double> loop_heartbeat_s() const = 0;
    [[nodiscard]] virtual double now_s() const = 0;
};

class Supervisor {
public:
    // `watchdog_timeout_s`: run seconds without a loop tick before the run faults;
    // `watchdog_text`: how that reads in the journal. Both threads wait on `clock` (the run's).
    Supervisor(SupervisedRun& run, clk::Clock& clock, double watchdog_timeout_s, std::string watchdog_text);
    ~Supervisor();  // waits for the run to be final and its jobs done
    Supervisor(const Supervisor&) = delete;
    Supervisor& operator=(const Supervisor&) = delete;

    void post(run::RunEvent event);  // any thread, never blocks for long
    // Tests only (issue 11, defect 6): the supervisor's thread throws `what` at its next turn,
    // where a bug in observing the run would; the thread body catches it and faults the run.
    void throw_in_thread(std::string what);
    // An abort, fault or watchdog has been posted: running jobs should give up waiting.
    [[nodiscard]] bool cancelled() const noexcept { return cancelled_.load(); }
    [[nodiscard]] run::RunState state() const noexcept { return state_.load(); }

private:
    void supervise();
    void turn_once(std::deque<run::RunEvent>& batch, std::vector<run::RunEvent>& seen, bool& watchdog_fired);
    void work();
    void handle(const run::RunEvent& event);

    SupervisedRun& run_;
    clk::Clock& clock_;
    run::RunStateMachine machine_;  // supervisor thread only
    run::Watchdog watchdog_;        // supervisor thread only
    std::string watchdog_text_;
    std::atomic<bool> cancelled_{false};
    std::atomic<run::RunState> state_{run::RunState::idle};

    std::mutex mutex_;
    clk::ClockCondition wake_;      // events for the supervisor
    clk::ClockCondition job_wake_;  // jobs for the job thread
    std::deque<run::RunEvent> events_;  // guarded by mutex_
    std::deque<ActionJob> jobs_;        // guarded by mutex_
    bool job_running_ = false;          // guarded by mutex_
    bool quit_jobs_ = false;            // guarded by mutex_
    std::string throw_what_;            // guarded by mutex_: throw_in_thread()'s, until thrown
    std::thread job_thread_;
    std::thread thread_;  // last: starts after everything it uses
};

}  // namespace edc::app
