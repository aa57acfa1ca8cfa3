#pragma once
// Feasibility of a computed plan against the hardware (errors) and the chemistry (warnings).
#include <vector>

#include "control/plan/feed_plan.hpp"
#include "control/plan/plan_request.hpp"

namespace edc::plan {

// Feed needed by a request without a pump, below which it still counts as "no feed".
inline constexpr double no_pump_feed_tolerance_m3 = 1e-9;  // 1 uL
// Fraction of the mass-transport limit i_L = z F D c / delta that triggers the warning.
inline constexpr double transport_warning_fraction = 0.8;

// pump_rate_exceeded, syringe_capacity_exceeded, cell_overflow, feed_required_without_pump,
// invalid_request (missing pump limits). Each names the first depth and time it happens.
[[nodiscard]] std::vector<PlanIssue> hardware_issues(const PlanRequest& req, const FeedPlan& plan);

// below_min_rate, mass_transport_limited.
void add_hardware_warnings(const PlanRequest& req, FeedPlan& plan);

// feed_clamped: consumption alone moved the bath further than the target wanted, so the feed
// was held at 0 and the deposit runs ahead of the target (x_predicted shows by how much).
void add_clamp_warning(FeedPlan& plan);

}  // namespace edc::plan
