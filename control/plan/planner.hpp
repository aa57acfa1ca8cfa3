#pragma once
// The gradient planner: the exact inverse of the cell model (consumption included) from a
// target profile x*(depth) to a charge-indexed feed plan, with the feasibility checks of
// design.md. See docs/performance.md ("Control core") for the derivation and the numbers.
#include <expected>

#include "control/plan/feed_plan.hpp"
#include "control/plan/plan_request.hpp"

namespace edc::plan {

// Fails with every issue found (codes in feed_plan.hpp, namespace issue). A returned plan is
// feasible for the request's pump and cell; warnings say what to watch.
[[nodiscard]] std::expected<FeedPlan, PlanFailure> make_plan(const PlanRequest& req);

}  // namespace edc::plan
