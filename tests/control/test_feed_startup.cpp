// Issue 11, defect 3: the feed comes in smoothly. The scheduler used to owe the whole lead
// (the mixing and pump lags' worth of feed) at its first tick and commanded 25 mL/min against
// the plan's 8.4, ringing up to 4.6x the plan's rate in the first 10 % of the charge. On the
// paper recipe through the scheduler and the twin (virtual time), no command exceeds twice the
// plan's rate at the same charge, and the film stays within the twin's 0.25 at.% RMS.
#include <gtest/gtest.h>

#include <cstdio>

#include "control/plan/planner.hpp"
#include "control/twin/twin.hpp"
#include "plan_fixtures.hpp"

using namespace edc;
using namespace edc::twin;

namespace {

TwinResult scheduled_run(const DisturbanceSet& d) {
    const auto req = test::paper_request();
    const auto plan = plan::make_plan(req);
    EXPECT_TRUE(plan.has_value());
    TwinOptions opt;
    opt.feed = FeedStrategy::scheduled;
    return simulate(req, *plan, opt, d);
}

// The paper cell's lags (3 s mixing, 1 s pump) and its pump's four digits, nothing else.
DisturbanceSet nominal() {
    auto d = DisturbanceSet::standard();
    d.current_noise_rel = 0.0;
    d.dip_duration_s = 0.0;
    d.hold_duration_s = 0.0;
    return d;
}

}  // namespace

TEST(FeedStartup, NominalRunNeverCommandsMoreThanTwiceThePlansRate) {
    const auto r = scheduled_run(nominal());
    std::printf("nominal paper run: largest rate %.2fx the plan's (at %.4f C), %.3f at.%% RMS\n",
                r.totals.max_rate_over_plan, r.totals.max_rate_over_plan_at_c, 100.0 * r.rms_x_bi);
    EXPECT_LE(r.totals.max_rate_over_plan, 2.0) << "at " << r.totals.max_rate_over_plan_at_c << " C";
    EXPECT_LE(r.rms_x_bi, 0.0025);
}

TEST(FeedStartup, StandardDisturbancesKeepTheStartSmoothAndTheFilmOnTarget) {
    const auto r = scheduled_run(DisturbanceSet::standard());
    std::printf("standard disturbances: largest rate %.2fx the plan's (at %.4f C), %.3f at.%% RMS\n",
                r.totals.max_rate_over_plan, r.totals.max_rate_over_plan_at_c, 100.0 * r.rms_x_bi);
    EXPECT_LE(r.rms_x_bi, 0.0025);
}
