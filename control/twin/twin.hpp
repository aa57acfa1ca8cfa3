#pragma once
// Digital twin: a virtual-clock simulation of the cell (mixing lag, pump flow lag and rate
// resolution, current noise, a current dip, an operator hold, pump maximum rate) driven by one
// of three feed strategies, reporting the deposited profile x_Bi(depth) against the target.
// `edc simulate` calls simulate(); docs/performance.md shows compare_strategies().
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "control/error.hpp"
#include "control/loop/scheduler.hpp"
#include "control/plan/feed_plan.hpp"
#include "control/plan/plan_request.hpp"

namespace edc::twin {

enum class Disturbance { standard, none };
enum class FeedStrategy {
    scheduled,  // the closed-loop scheduler (charge-indexed, lag-compensated, feedback)
    constant,   // the plan's total volume at one rate over the nominal duration (manual practice)
    open_loop,  // the plan's q(t) replayed by run time: no feedback, no lag compensation
};

[[nodiscard]] const char* to_string(FeedStrategy f) noexcept;
[[nodiscard]] const char* to_string(Disturbance d) noexcept;

// design.md "Standard disturbance set"; none() is the ideal cell (no lags, exact pump).
struct DisturbanceSet {
    double mixing_time_s = 3.0;
    double pump_lag_s = 1.0;
    int rate_digits = 4;               // pump rate resolution, significant digits
    double current_noise_rel = 0.01;   // RMS, Gaussian
    double dip_start_fraction = 0.40;  // of the nominal duration
    double dip_duration_s = 20.0;
    double dip_level = 0.80;
    double hold_start_fraction = 0.25;  // operator hold: current off, pump stopped
    double hold_duration_s = 30.0;

    [[nodiscard]] static DisturbanceSet standard() noexcept { return {}; }
    [[nodiscard]] static DisturbanceSet none() noexcept;
    [[nodiscard]] static DisturbanceSet of(Disturbance d) noexcept {
        return d == Disturbance::none ? none() : standard();
    }
};

struct TwinOptions {
    Disturbance disturbance = Disturbance::standard;
    FeedStrategy feed = FeedStrategy::scheduled;
    std::uint64_t seed = 1;
    double scheduler_hz = 20.0;
    double command_hz = 5.0;  // pump commands and counter readings
    double physics_dt_s = 1e-3;
    int profile_points = 200;  // depth bins of the reported profile
    bool record_trace = false;  // keep what a run would journal (TwinResult::trace)
    loop::SchedulerConfig scheduler;
};

// What the run recorded at one command instant, as the runtime journals it: the measured
// current, the pump's counter (the bolus included) and the rate commanded from then on.
struct TwinSample {
    double t_s = 0.0;
    double current_a = 0.0;
    double charge_c = 0.0;
    double dispensed_m3 = 0.0;
    double feed_rate_m3_s = 0.0;
};

struct TwinProfilePoint {
    double depth_m = 0.0;  // bin centre
    double x_target = 0.0;
    double x_achieved = 0.0;  // mole-weighted mean of what deposited in the bin
};

struct TwinTotals {
    double duration_s = 0.0;  // virtual time to reach the planned charge
    double charge_c = 0.0;
    double thickness_m = 0.0;
    double fed_m3 = 0.0;  // delivered into the bath, bolus included
    double final_volume_m3 = 0.0;
    double max_rate_m3_per_s = 0.0;
    // The largest pump rate against the plan's rate at the same charge (w(Q) at the nominal
    // current), and the charge where it was commanded: how hard the feed overshoots (issue 11,
    // defect 3: a nominal run stays within 2).
    double max_rate_over_plan = 0.0;
    double max_rate_over_plan_at_c = 0.0;
    double hold_s = 0.0;
};

struct TwinResult {
    FeedStrategy feed = FeedStrategy::scheduled;
    Disturbance disturbance = Disturbance::standard;
    std::vector<TwinProfilePoint> profile;
    double rms_x_bi = 0.0;  // fraction: 0.0025 = 0.25 at.%
    double max_abs_x_bi = 0.0;
    TwinTotals totals;
    std::vector<TwinSample> trace;  // with TwinOptions::record_trace, virtual time
};

// What deposited during one step of the plant.
struct PlantStep {
    double metal_mol = 0.0;
    double x_bi = 0.0;  // mean Bi fraction of what deposited
    double thickness_m = 0.0;
};

// The cell the twin drives. By default the controller's own model with the disturbance set's
// mixing lag (what control/ tests use); `edc simulate` injects the independent simulated plant
// (app/sim/twin_plant.hpp) so the film is judged against a second implementation.
class Plant {
public:
    virtual ~Plant() = default;
    // Before current starts: the plan's pre-dilution bolus (plan.prebolus_m3) goes in.
    virtual void prime(const plan::FeedPlan& plan) = 0;
    // Integrates h seconds at this cathodic current (A, >= 0) and delivered feed (m3/s of B as
    // the pump counts it, the mean over the step; the pump's lag is the twin's).
    virtual PlantStep advance(double h_s, double current_a, double feed_m3_per_s) = 0;
    [[nodiscard]] virtual double volume_m3() const = 0;
};

// Runs one strategy against a plan made for req (same cell and pump).
[[nodiscard]] TwinResult simulate(const plan::PlanRequest& req, const plan::FeedPlan& plan,
                                  const TwinOptions& options, const DisturbanceSet& disturbances);
// The same against a given plant (it is primed and advanced; it keeps what deposited).
[[nodiscard]] TwinResult simulate(const plan::PlanRequest& req, const plan::FeedPlan& plan,
                                  const TwinOptions& options, const DisturbanceSet& disturbances,
                                  Plant& plant);
[[nodiscard]] TwinResult simulate(const plan::PlanRequest& req, const plan::FeedPlan& plan,
                                  const TwinOptions& options);
// Plans first; fails with the planner's first issue.
[[nodiscard]] Result<TwinResult> simulate(const plan::PlanRequest& req, const TwinOptions& options);

// scheduled, constant, open_loop in the same conditions (same seed).
[[nodiscard]] std::array<TwinResult, 3> compare_strategies(const plan::PlanRequest& req,
                                                           const plan::FeedPlan& plan,
                                                           Disturbance disturbance, std::uint64_t seed = 1);
// A plain-text table of RMS and worst-point error (at.% Bi), fed volume and duration.
[[nodiscard]] std::string comparison_table(const std::array<TwinResult, 3>& results);

}  // namespace edc::twin
