#pragma once
// RunSession's machinery: the parts, each owning its thread, and the run's actions that tie
// them together (the job thread carries them out for the supervisor).
//
//   Supervisor          supervisor + job threads: state machine, watchdog, actions as jobs
//   GalvanostatChannel  one worker thread: every galvanostat call, its polling
//   PumpChannel         one worker thread: every pump call, its polling
//   ControlLoop         the loop thread: scheduler + interlocks, SPSC queues in and out
//   JournalBridge       (the writer's thread): begin/end, samples, events, provenance
//   SimRig              only with simulated instruments: simulators, fault injector, verdict
//   drive_safe_state    the safe-state sequence over the channels (on the job thread)
//
// This object's own state is touched by the job thread (the actions), the supervisor thread
// (observe/transitioned) and the API's callers; what they share is under mutex_ or atomic.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/runtime/control_loop.hpp"
#include "app/runtime/galvanostat_channel.hpp"
#include "app/runtime/journal_bridge.hpp"
#include "app/runtime/pump_channel.hpp"
#include "app/runtime/run_clock.hpp"
#include "app/runtime/run_records.hpp"
#include "app/runtime/run_session.hpp"
#include "app/runtime/sim_rig.hpp"
#include "app/runtime/supervisor.hpp"
#include "control/plan/feed_plan.hpp"
#include "control/run/interlocks.hpp"
#include "drivers/io/io_thread.hpp"

namespace edc::app {

class RunSession::Impl final : public SupervisedRun {
public:
    Impl(RunOptions options, plan::FeedPlan plan, journal::RunJournal journal, std::unique_ptr<SimRig> sim);
    ~Impl() override;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    void start();
    void post_command(run::EventKind kind, std::string cause);
    RunSnapshot snapshot() const;
    std::vector<RunEventRecord> take_events() { return journal_.take_events(); }
    bool finished() const;
    RunSummary wait();
    std::optional<sim::SimSnapshot> sim_snapshot() const;

    // SupervisedRun
    std::optional<run::RunEvent> perform(const ActionJob& job) override;
    void observe(run::RunState state, std::vector<run::RunEvent>& out) override;
    void transitioned(const run::Transition& t, const run::RunEvent& event) override;
    void refused(const run::Transition& t, const run::RunEvent& event) override;
    [[nodiscard]] std::optional<double> loop_heartbeat_s() const override;
    [[nodiscard]] double now_s() const override { return clock_.run_s(); }

private:
    // actions, on the job thread (session_bringup.cpp: the first two)
    std::optional<run::RunEvent> check_instruments();
    std::optional<run::RunEvent> prime();
    // A resumed run's checks (session_resume.cpp): the instruments' state, identities, the bath
    // after the dead time, the re-plan, the operator's confirmation. The refusal, if any.
    std::optional<std::string> check_resume(const std::string& found_instruments_json);
    std::optional<run::RunEvent> start_deposition();
    std::optional<run::RunEvent> resume_deposition();
    std::optional<run::RunEvent> pause_deposition();
    std::optional<run::RunEvent> enter_safe_state();
    std::optional<run::RunEvent> close_journal(run::Outcome outcome, const std::string& cause);
    void drain_ticks(run::RunState state, std::vector<run::RunEvent>& out);
    [[nodiscard]] std::function<void()> thrower();

    void post(run::RunEvent event);  // to the supervisor, or kept until start()
    void fault(const std::string& code, const std::string& message);  // any thread
    void record(const std::string& level, const std::string& code, const std::string& message);
    [[nodiscard]] bool cancelled() const;
    [[nodiscard]] double run_time() const { return clock_.run_s(); }

    RunOptions options_;
    plan::FeedPlan plan_;
    RunClock clock_;
    JournalBridge journal_;
    std::unique_ptr<SimRig> sim_;
    double current_a_ = 0.0;  // set point, cathodic positive
    run::InterlockLimits limits_{};
    FeedCommand feed_;
    ControlLoop loop_;
    std::atomic<double> deposition_start_s_{0.0};  // job thread writes, supervisor's summary reads

    // job thread only (created at checking, destroyed by the session)
    std::unique_ptr<io::IoThread> io_;
    std::unique_ptr<GalvanostatChannel> galvanostat_;
    std::unique_ptr<PumpChannel> pump_;
    TickRecord last_tick_{};  // supervisor thread while running; the job thread after the loop stopped
    std::mutex tick_mutex_;   // guards last_tick_ between the two

    mutable std::mutex mutex_;  // guards everything below
    std::condition_variable done_cv_;
    std::unique_ptr<Supervisor> supervisor_;  // created by start()
    std::vector<run::RunEvent> early_;        // commands before start()
    RunSnapshot snapshot_;
    bool finished_ = false;
    bool fault_reported_ = false;
    bool abort_requested_ = false;
    bool safe_state_confirmed_ = false;
    bool journal_failed_ = false;
    bool resume_refused_ = false;
    std::optional<ResumeFindings> resume_findings_;
    RunSummary summary_;
};

}  // namespace edc::app
