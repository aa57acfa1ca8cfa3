#pragma once
// Requests shared by the planner, scheduler and twin tests: the paper's recipe (design.md
// worked example) and variations of it.
#include "control/model/units.hpp"
#include "control/plan/plan_request.hpp"

namespace edc::test {

inline plan::PlanRequest paper_request(double x_bottom = 0.50, double x_top = 0.16,
                                       model::CellMode mode = model::CellMode::growing) {
    plan::PlanRequest r;
    auto& ch = r.cell.chemistry;
    ch.bath_a = {50.0, 50.0};
    ch.feed_b = {0.0, 50.0};
    ch.selectivity = model::Selectivity::constant(1.0);
    ch.current_efficiency = 0.725;
    ch.packing_fraction = 0.868;
    r.cell.cell.mode = mode;
    r.cell.cell.initial_volume_m3 = units::ml_to_m3(20.0);
    r.cell.cell.max_volume_m3 = units::ml_to_m3(150.0);
    r.cell.cell.electrode_area_m2 = units::cm2_to_m2(1.0);
    r.cell.cell.mixing_time_s = 3.0;
    r.deposit.current_density_a_per_m2 = units::ma_per_cm2_to_a_per_m2(5.7);
    r.deposit.basis = plan::DepositBasis::duration;
    r.deposit.duration_s = 200.0;
    r.deposit.profile = {{0.0, x_bottom}, {1.0, x_top}};
    r.pump.present = true;
    r.pump.max_rate_m3_per_s = units::ml_per_min_to_m3_per_s(100.0);
    r.pump.syringe_volume_m3 = units::ml_to_m3(140.0);
    r.pump.flow_lag_s = 1.0;
    r.steps = 2000;
    return r;
}

}  // namespace edc::test
