#pragma once
// Planning the rest of an interrupted deposition (PlanRequest::start): the start state's
// checks, the bath the rest starts from, and what the plan says about a bath that is off the
// profile at the depth reached (ahead: B cannot be taken back; behind: the feed catches up).
#include <optional>
#include <vector>

#include "control/plan/bolus.hpp"
#include "control/plan/feed_plan.hpp"
#include "control/plan/plan_request.hpp"
#include "control/plan/profile_axis.hpp"

namespace edc::plan {

// invalid_request for each bad field of req.start (named "start.<field>"): not finite,
// negative, a zero volume or Sb concentration, a charge at or beyond the profile's total.
[[nodiscard]] std::vector<PlanIssue> start_state_issues(const StartState& start, const ProfileAxis& axis);

// The bath at the start charge, with the B already fed as the bolus-like starting feed count
// (the plan's fed_m3 axis continues from start.fed_m3).
[[nodiscard]] Bolus resumed_bath(const StartState& start) noexcept;

// Charge integrals over [0, charge_c) of the part deposited before the interruption, taken from
// the target profile (the planner does not know what actually deposited there): for the
// whole-film mass and mean composition in the totals.
struct DepositedBefore {
    double mol_mass_c = 0.0;  // integral of M(x*) dQ, kg/mol * C
    double x_c = 0.0;         // integral of x* dQ
};
[[nodiscard]] DepositedBefore deposited_before(const PlanRequest& req, const ProfileAxis& axis,
                                               double charge_c);

// resume_bath_ahead when the bath deposits less Bi than the target at the start charge (B was
// fed beyond the plan: it cannot be taken back, so the plan follows as closely as it can);
// resume_catch_up when it deposits more (less B than planned: the feed makes up the deficit at
// up to the pump's maximum rate). Both say by how much and until which depth.
void add_resume_warnings(const PlanRequest& req, FeedPlan& plan);

}  // namespace edc::plan
