#pragma once
// Everything a simulated run adds, and only a simulated run has: the simulators (started at
// create(), so the drivers find their ports at `checking`), the fault injector that fires the
// requested faults at run time (and stalls the control loop on request), the compound faults
// fired when the first safe-state sequence starts (`KIND@safe-state`), and the simulator's own
// verdict at the end (the deposit scored against the plan, what it sees of the safe state).
//
// Thread: owns the fault injector's, from run_started() to stop_faults(). The simulators run
// their own (drivers/sim).
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/runtime/run_clock.hpp"
#include "app/runtime/sim_rig_options.hpp"
#include "control/plan/feed_plan.hpp"
#include "drivers/sim/sim_host.hpp"
#include "recipes/format/recipe.hpp"

namespace edc::app {

// A fault the rig made the simulators fire, for the journal (the simulator's truth, whether or
// not the run noticed it).
struct FiredFault {
    sim::FaultKind kind = sim::FaultKind::galvanostat_timeout;
    double run_s = 0.0;          // run time when it fired
    bool in_safe_state = false;  // fired on the safe-state sequence's start (KIND@safe-state)
};

struct SimVerdict {
    std::optional<double> rms_error_at_pct;  // deposited vs target
    std::optional<double> max_error_at_pct;
    bool safe_state_seen = false;  // output off, high impedance, pump stopped
    std::string safe_state_text;   // "simulator sees: ..."
};

class SimRig {
public:
    [[nodiscard]] static Result<std::unique_ptr<SimRig>> start(const recipes::Recipe& recipe,
                                                               SimRigOptions options);
    ~SimRig();
    SimRig(const SimRig&) = delete;
    SimRig& operator=(const SimRig&) = delete;

    // The ports the drivers open: on PTYs the stable links DIR/galvanostat and DIR/pump in a
    // private directory the rig removes at the end (a re-enumerated PTY returns under them);
    // a LAN model's tcp:// address; "inproc://MODEL" for in-process instruments.
    [[nodiscard]] const sim::SimEndpoints& endpoints() const noexcept { return endpoints_; }
    [[nodiscard]] const SimRigOptions& options() const noexcept { return options_; }
    [[nodiscard]] const std::shared_ptr<clk::Clock>& clock() const noexcept { return options_.clock; }
    // In-process instruments (options().in_process): the host's end of each link.
    [[nodiscard]] Result<std::unique_ptr<io::ByteTransport>> connect_galvanostat() {
        return host_->connect_galvanostat();
    }
    [[nodiscard]] Result<std::unique_ptr<io::ByteTransport>> connect_pump() { return host_->connect_pump(); }

    // t = 0: the injector starts counting run time on `clock`.
    void run_started(const RunClock& clock);
    // The deposition began at run time `t_s`: a requested loop stall is due stall_loop_at_s
    // later, a requested exception in a runtime thread (`throw_in`) throw_at_s later.
    void deposition_started(double t_s, std::function<void()> stall_loop, std::function<void()> throw_in);
    // The run's first safe-state sequence has started every step (drive_safe_state's `started`,
    // on the job thread): the KIND@safe-state faults fire now, each once. Later sequences fire
    // nothing: the compound fault is the one that lands in the first.
    void safe_state_started();
    // No fault fires after this (one due after the run's end would only blur the record).
    void stop_faults();
    // Every fault fired so far, in firing order.
    [[nodiscard]] std::vector<FiredFault> fired() const;

    [[nodiscard]] sim::SimSnapshot snapshot() const { return host_->snapshot(); }
    // `charge_c`: what the loop passed (the film beyond it is a speed artefact of stopping).
    [[nodiscard]] SimVerdict verdict(const plan::FeedPlan& plan, double charge_c) const;

private:
    SimRig(SimRigOptions options, const std::vector<sim::FaultSpec>& faults);
    void inject(const RunClock* clock);
    void fire_fault(const sim::FaultSpec& f, bool in_safe_state);  // without mutex_ held

    struct Due {
        double t_s;
        std::function<void()> fire;
    };

    SimRigOptions options_;
    std::unique_ptr<sim::SimHost> host_;
    sim::SimEndpoints endpoints_;
    std::filesystem::path link_dir_;  // empty: in-process instruments
    mutable std::mutex mutex_;
    clk::ClockCondition wake_;
    std::vector<Due> due_;                           // guarded by mutex_
    std::vector<sim::FaultSpec> on_safe_state_;      // guarded by mutex_; emptied when they fire
    std::vector<FiredFault> fired_;                  // guarded by mutex_
    const RunClock* run_clock_ = nullptr;            // guarded by mutex_; set by run_started()
    bool stop_ = false;                              // guarded by mutex_
    std::thread injector_;
};

}  // namespace edc::app
