#pragma once
// What the planner is asked: cell model, deposition, target profile, hardware limits.
// Recipes (recipes/) produce this; the planner (plan/planner.hpp) answers with a FeedPlan.
#include <optional>
#include <vector>

#include "control/model/cell_model.hpp"

namespace edc::plan {

// Target Bi fraction at a depth fraction (0 = substrate, 1 = top); linear between points.
struct ProfilePoint {
    double depth_fraction;
    double x_bi;
};

// How long the deposition lasts: exactly one of the three is given.
enum class DepositBasis { duration, charge, thickness };

struct DepositSpec {
    double current_density_a_per_m2 = 57.0;  // 5.7 mA/cm2, magnitude of cathodic current
    DepositBasis basis = DepositBasis::duration;
    double duration_s = 200.0;
    double charge_c_per_m2 = 0.0;
    double thickness_m = 0.0;
    std::vector<ProfilePoint> profile;
};

struct PumpLimits {
    bool present = true;  // false: no pump, the profile must need no feed
    double max_rate_m3_per_s = 0.0;
    double min_rate_m3_per_s = 0.0;     // smallest non-zero rate the pump runs
    double rate_resolution_rel = 1e-4;  // 4 significant digits
    double syringe_volume_m3 = 0.0;
    double flow_lag_s = 1.0;  // first-order lag of delivered flow behind command
};

// Optional mass-transport data, for the mass_transport_limited warning.
struct TransportData {
    double diffusion_bi_m2_per_s = 0.0;
    double diffusion_sb_m2_per_s = 0.0;
    double boundary_layer_m = 0.0;
};

// Where an interrupted deposition stands when it is resumed: the planner plans the rest of the
// profile from here instead of from bath A at charge 0.
struct StartState {
    double charge_c = 0.0;         // charge already passed since the original run's start
    double bath_volume_m3 = 0.0;   // bath volume now
    double c_bi_mol_per_m3 = 0.0;  // bath concentrations now (well mixed)
    double c_sb_mol_per_m3 = 0.0;
    double fed_m3 = 0.0;  // B already delivered (bolus included); counts against the syringe
};

struct PlanRequest {
    model::CellParams cell;
    DepositSpec deposit;
    PumpLimits pump;
    std::optional<TransportData> transport;
    int steps = 2000;  // resolution of the charge grid of the returned plan
    // A bottom target at most this far (x_Bi fraction) above what bath A deposits by itself is
    // planned from bath A with the warning bottom_short; further is bottom_unreachable. 0.5 at.%:
    // the film's own bar, and a calibrated k a little below 1 (noise) must not refuse a recipe
    // whose bottom is bath A's own film (the paper's 0.50 at k = 1).
    double bottom_tolerance_x = 0.005;
    // Resuming an interrupted run: plan the rest of the profile from this state (no bolus; the
    // plan's points start at start->charge_c on the original run's axes). Absent: a fresh run
    // from bath A.
    std::optional<StartState> start;
};

}  // namespace edc::plan
