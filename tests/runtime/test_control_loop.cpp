// The control loop's tick driven by hand (no thread): what it sends the supervisor.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "app/runtime/control_loop.hpp"
#include "control/plan/planner.hpp"
#include "edc/test_source_dir.hpp"
#include "recipes/format/recipe.hpp"

namespace edc::app {
namespace {

struct LoopRig {
    recipes::Recipe recipe;
    plan::FeedPlan plan;
    RunClock clock{1.0};
    FeedCommand feed;
    std::atomic<bool> current_on{true};

    LoopRig() {
        auto r = recipes::load_recipe(std::string(EDC_SOURCE_DIR) + "/recipes/examples/g-bi033sb067.toml");
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        recipe = *r;
        auto p = plan::make_plan(recipe.plan);
        EXPECT_TRUE(p);
        plan = *p;
    }

    // Every tick due for a record; a 2-slot queue to the supervisor; |E| above 1 V trips.
    [[nodiscard]] LoopSettings settings() const {
        LoopSettings s;
        s.loop_hz = 20.0;
        s.sample_hz = 1e6;
        s.limits.max_abs_potential_v = 1.0;
        s.tick_queue_capacity = 2;
        return s;
    }
};

std::vector<TickRecord> pop_all(ControlLoop& loop) {
    std::vector<TickRecord> out;
    TickRecord r;
    while (loop.pop_record(r)) out.push_back(r);
    return out;
}

TEST(ControlLoop, AnInterlockTripIsResentUntilTheSupervisorsQueueTakesIt) {
    LoopRig rig;
    ControlLoop loop(rig.plan, rig.recipe.plan.cell, rig.recipe.plan.pump, rig.settings(), rig.clock,
                     rig.feed);
    const double amps = rig.recipe.current_a();
    double t = 0.0;
    loop.galvanostat_samples().try_push({t, amps, 0.2, false});
    loop.step(t += 0.05, rig.current_on, nullptr);
    loop.step(t += 0.05, rig.current_on, nullptr);  // the queue is full now
    loop.galvanostat_samples().try_push({t, amps, 3.0, false});
    loop.step(t += 0.05, rig.current_on, nullptr);  // trips; nowhere to send it
    loop.step(t += 0.05, rig.current_on, nullptr);
    auto first = pop_all(loop);
    ASSERT_EQ(first.size(), 2U);
    EXPECT_FALSE(first[0].tripped);
    EXPECT_FALSE(first[1].tripped);

    loop.step(t += 0.05, rig.current_on, nullptr);
    loop.step(t += 0.05, rig.current_on, nullptr);
    auto later = pop_all(loop);
    ASSERT_EQ(later.size(), 2U);
    EXPECT_TRUE(later[0].tripped);
    EXPECT_EQ(later[0].trip.trip, run::InterlockTrip::potential_limit);
    EXPECT_DOUBLE_EQ(later[0].trip.value, 3.0);
    EXPECT_FALSE(later[1].tripped) << "a trip is reported once";
}

TEST(ControlLoop, NoTripWhileTheOutputIsOff) {
    LoopRig rig;
    rig.current_on = false;
    ControlLoop loop(rig.plan, rig.recipe.plan.cell, rig.recipe.plan.pump, rig.settings(), rig.clock,
                     rig.feed);
    loop.galvanostat_samples().try_push({0.0, 0.0, 3.0, false});
    loop.step(0.05, rig.current_on, nullptr);
    auto recs = pop_all(loop);
    ASSERT_EQ(recs.size(), 1U);
    EXPECT_FALSE(recs[0].tripped);
}

TEST(ControlLoop, TheFeedIsCommandedOnlyWhileEnabled) {
    LoopRig rig;
    ControlLoop loop(rig.plan, rig.recipe.plan.cell, rig.recipe.plan.pump, rig.settings(), rig.clock,
                     rig.feed);
    loop.galvanostat_samples().try_push({0.0, rig.recipe.current_a(), 0.2, false});
    rig.feed.enabled = false;
    loop.step(0.05, rig.current_on, nullptr);
    EXPECT_EQ(rig.feed.wanted(), 0.0);
    rig.feed.enabled = true;
    loop.step(0.10, rig.current_on, nullptr);
    EXPECT_GT(rig.feed.wanted(), 0.0);
}

}  // namespace
}  // namespace edc::app
