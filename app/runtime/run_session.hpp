#pragma once
// One deposition run from start to final status: the only place that constructs concrete
// drivers and ties them to the control loop (the role ros2_control's node plays).
//
// Threads: the drivers' Asio io thread; one channel per instrument (blocking driver calls with
// deadlines live there, never in the tick); the control loop on absolute deadlines; the
// journal writer; the supervisor, which owns the run state machine, and its job thread, which
// carries out its actions; with simulated instruments, the simulators and the fault injector.
// The parts are listed in session_impl.hpp. The CLI and the GUI only call the non-blocking
// methods below and poll snapshots.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/journal/run_totals.hpp"
#include "app/runtime/resume_state.hpp"
#include "app/runtime/sim_rig_options.hpp"
#include "control/error.hpp"
#include "control/plan/feed_plan.hpp"
#include "control/run/run_state.hpp"
#include "drivers/sim/sim_host.hpp"
#include "recipes/format/recipe.hpp"

namespace edc::app {

// A record of what a run was made from beyond its recipe (the effective chemistry and where it
// came from, a simulated plant's text and hash): journaled as an info event with this code when
// the run begins, and not echoed to the console. `edc calibrate` reads them back.
struct RunProvenance {
    std::string code;
    std::string message;
};

struct RunOptions {
    recipes::Recipe recipe;
    std::vector<RunProvenance> provenance;  // journaled at begin_run, in this order
    std::string db_path;                    // SQLite journal file
    std::string journal_vfs;                // tests only: SQLite VFS to open it through (empty: default)
    std::string operator_name;              // defaults to the OS user
    double loop_hz = 20.0;                  // scheduler tick rate (run time)
    double sample_hz = 10.0;                // journal sample rate (run time)
    // `edc resume`: the run continues this interrupted one (a new journal run linked to it) from
    // the state its journal and its instruments give; `confirm_resume` must agree before any
    // output is energised (absent: refused).
    std::optional<ResumeFrom> resume;
    ResumeConfirm confirm_resume;
};

// Published by the supervisor at a fixed rate; copying it never blocks the loop.
struct RunSnapshot {
    run::RunState state = run::RunState::idle;
    std::int64_t run_id = 0;
    double t_s = 0.0;                 // run time (simulated seconds when simulating)
    double nominal_duration_s = 0.0;  // planned, at nominal current, without holds
    double charge_c = 0.0;
    double planned_charge_c = 0.0;
    double current_a = 0.0;    // measured, cathodic positive
    double potential_v = 0.0;  // measured
    double depth_m = 0.0;
    double x_bi_now = 0.0;  // predicted composition being deposited now
    double x_bi_target = 0.0;
    double feed_rate_m3_per_s = 0.0;  // commanded
    double dispensed_m3 = 0.0;        // pump counter
    double volume_m3 = 0.0;           // estimated cell volume
    std::uint64_t samples_journaled = 0;  // committed by the journal writer
    std::uint64_t events_journaled = 0;   // committed by the journal writer (begin_run's records apart)
    std::uint64_t loop_overruns = 0;
};

struct RunEventRecord {
    double t_s = 0.0;
    std::string level;  // info, warning, error
    std::string code;
    std::string message;
};

struct RunSummary {
    std::int64_t run_id = 0;
    run::Outcome outcome = run::Outcome::none;
    std::string cause;
    // What the run deposited and fed, as journaled in its "run_totals" record: the summary, `edc
    // show`, the export and the GUI print these figures and no others.
    journal::RunTotals totals;
    std::uint64_t samples = 0;
    std::uint64_t loop_overruns = 0;
    std::optional<double> sim_rms_error_at_pct;  // simulate only: deposited vs target, from the simulator
    std::optional<double> sim_max_error_at_pct;
    bool safe_state_confirmed = false;  // from the simulator's own record when simulating
    bool instruments_opened = false;    // a port of the galvanostat or the pump was opened
    bool deposition_started = false;    // current was commanded: the deposited quantities mean something
    // A resumed run: what was found and planned; resume_refused when it was not resumed (the
    // cause says why: identities, state unknown, syringe, the operator declined).
    std::optional<ResumeFindings> resume;
    bool resume_refused = false;
};

// Every rate the run will command (the plan's peak feed rate; the pre-bolus runs at
// pump.max_rate) is within what the recipe's pump model can do on its syringe
// (drivers/pump/pump_limits.hpp). Error "out_of_range", where "pump.max_rate". Checked by
// create() and by the CLI's load_and_plan, so such a recipe fails at load, not in `checking`.
[[nodiscard]] Result<void> check_pump_limits(const recipes::Recipe& recipe, const plan::FeedPlan& plan);

class RunSession {
public:
    // Plans the recipe, opens the journal and, given `sim`, starts the simulators the run will
    // use instead of the recipe's instruments. Fails with the planner's or the journal's error;
    // nothing is energised yet.
    static Result<std::unique_ptr<RunSession>> create(RunOptions options,
                                                      std::optional<SimRigOptions> sim = {});
    ~RunSession();
    RunSession(const RunSession&) = delete;
    RunSession& operator=(const RunSession&) = delete;

    void start();  // begins checking -> priming -> depositing; returns at once
    void hold();
    void resume();
    void abort(std::string cause);  // operator abort; safe state first
    [[nodiscard]] RunSnapshot snapshot() const;
    [[nodiscard]] std::vector<RunEventRecord> take_events();  // new since the last call
    [[nodiscard]] bool finished() const;
    RunSummary wait();  // blocks until a final state; idempotent
    // Simulated sessions: the simulator's own view of the instruments, at any time and still
    // after wait() (the simulator runs until the session is destroyed), so a test can watch what
    // an instrument does by itself after the run, e.g. the NE-1000's safe-mode watchdog stopping
    // a pump whose link was lost. nullopt when the instruments are real.
    [[nodiscard]] std::optional<sim::SimSnapshot> sim_snapshot() const;

    class Impl;

private:
    explicit RunSession(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace edc::app
