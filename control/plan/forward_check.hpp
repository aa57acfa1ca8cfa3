#pragma once
// Independent check of a plan: integrate the cell model in time (RK4, nominal constant
// current, no lags) with a given feed schedule q(t), and compare what deposits at each plan
// point with the target. The planner runs it on its own plan (the round trip); tests run it
// on other schedules (dilution-only closed forms) to show the difference.
#include <functional>
#include <vector>

#include "control/plan/feed_plan.hpp"
#include "control/plan/plan_request.hpp"

namespace edc::plan {

struct ForwardResult {
    std::vector<double> x_deposited;  // at each plan point's charge
    double rms_x_bi = 0.0;            // vs the plan's x_target, as a fraction (0.001 = 0.1 at.%)
    double max_x_bi = 0.0;
    model::BathState final_bath;
    double fed_m3 = 0.0;  // bolus + integral of q
};

[[nodiscard]] ForwardResult forward_simulate(const PlanRequest& req, const FeedPlan& plan,
                                             const std::function<double(double t_s)>& feed_rate_m3_per_s,
                                             int substeps_per_point = 2);
// With the plan's own q(t) at nominal current.
[[nodiscard]] ForwardResult forward_simulate(const PlanRequest& req, const FeedPlan& plan);

}  // namespace edc::plan
