// The digital twin under design.md's standard disturbance set: the targets as tests.
#include <gtest/gtest.h>

#include <iostream>

#include "control/plan/planner.hpp"
#include "control/twin/twin.hpp"
#include "plan_fixtures.hpp"

using namespace edc;
using namespace edc::twin;
using edc::test::paper_request;

namespace {

plan::FeedPlan plan_for(const plan::PlanRequest& req) {
    auto p = plan::make_plan(req);
    EXPECT_TRUE(p.has_value()) << p.error().summary();
    return *p;
}

TwinResult run(const plan::PlanRequest& req, FeedStrategy feed, Disturbance d = Disturbance::standard,
               std::uint64_t seed = 1) {
    TwinOptions opt;
    opt.feed = feed;
    opt.disturbance = d;
    opt.seed = seed;
    return simulate(req, plan_for(req), opt);
}

}  // namespace

TEST(Twin, ScheduledFeedMeetsTargetOnPaperRecipeUnderStandardDisturbances) {
    const auto r = run(paper_request(), FeedStrategy::scheduled);
    EXPECT_LE(r.rms_x_bi, 0.0025);
    EXPECT_LE(r.max_abs_x_bi, 0.010);
}

// Also prints the side-by-side table quoted in docs/performance.md.
TEST(Twin, ScheduledFeedBeatsConstantTenfoldAndOpenLoopTwofold) {
    for (const auto mode : {model::CellMode::growing, model::CellMode::overflow}) {
        const auto req = paper_request(0.50, 0.16, mode);
        const auto results = compare_strategies(req, plan_for(req), Disturbance::standard, 1);
        const auto& scheduled = results[0];
        const auto& constant = results[1];
        const auto& open_loop = results[2];
        EXPECT_EQ(scheduled.feed, FeedStrategy::scheduled);
        EXPECT_EQ(constant.feed, FeedStrategy::constant);
        EXPECT_EQ(open_loop.feed, FeedStrategy::open_loop);
        EXPECT_GE(constant.rms_x_bi, 10.0 * scheduled.rms_x_bi);
        EXPECT_GE(open_loop.rms_x_bi, 2.0 * scheduled.rms_x_bi);
        EXPECT_NEAR(constant.totals.fed_m3, scheduled.totals.fed_m3, 0.02 * scheduled.totals.fed_m3);
        const auto table = comparison_table(results);
        EXPECT_NE(table.find("scheduled"), std::string::npos);
        EXPECT_NE(table.find("open_loop"), std::string::npos);
        std::cout << "paper recipe 0.50 -> 0.16, "
                  << (mode == model::CellMode::growing ? "growing" : "overflow")
                  << " mode, standard disturbances, seed 1\n"
                  << table << "\n";
    }
}

TEST(Twin, ConstantFeedIsAbout6AtPctOffInGrowingMode) {
    // design.md: a constant feed of the same 85 mL gives a front-loaded profile ~6 at.% off
    const auto r = run(paper_request(), FeedStrategy::constant);
    EXPECT_GT(r.rms_x_bi, 0.04);
    EXPECT_LT(r.rms_x_bi, 0.09);
    // front-loaded: too little Bi (too much dilution) in the lower half
    EXPECT_LT(r.profile[r.profile.size() / 4].x_achieved, r.profile[r.profile.size() / 4].x_target - 0.02);
}

TEST(Twin, ScheduledFeedMeetsTargetOnOtherFeasibleRecipes) {
    std::vector<plan::PlanRequest> recipes;
    recipes.push_back(paper_request(0.50, 0.16, model::CellMode::overflow));
    recipes.push_back(paper_request(0.50, 0.10, model::CellMode::overflow));
    recipes.push_back(paper_request(0.40, 0.20));  // needs a pre-dilution bolus
    auto segments = paper_request();
    segments.deposit.profile = {{0.0, 0.5}, {0.3, 0.5}, {0.6, 0.25}, {1.0, 0.2}};
    recipes.push_back(segments);
    auto large = paper_request();  // consumption matters: 100 cm2 in 20 mL
    large.cell.cell.electrode_area_m2 = units::cm2_to_m2(100.0);
    large.cell.cell.max_volume_m3 = units::ml_to_m3(500.0);
    large.pump.max_rate_m3_per_s = units::ml_per_min_to_m3_per_s(500.0);
    large.pump.syringe_volume_m3 = units::ml_to_m3(500.0);
    recipes.push_back(large);
    auto longer = paper_request();  // 20 min at lower current density
    longer.deposit.duration_s = 1200.0;
    longer.deposit.current_density_a_per_m2 = units::ma_per_cm2_to_a_per_m2(2.0);
    recipes.push_back(longer);
    for (std::size_t i = 0; i < recipes.size(); ++i) {
        const auto r = run(recipes[i], FeedStrategy::scheduled);
        EXPECT_LE(r.rms_x_bi, 0.0025) << "recipe " << i;
        EXPECT_LE(r.max_abs_x_bi, 0.010) << "recipe " << i;
    }
}

TEST(Twin, IdealCellReproducesThePlan) {
    const auto r = run(paper_request(), FeedStrategy::scheduled, Disturbance::none);
    EXPECT_LT(r.rms_x_bi, 0.001);
    EXPECT_NEAR(r.totals.duration_s, 200.0, 0.1);
}

TEST(Twin, RunLastsUntilPlannedChargeThroughHoldAndDip) {
    const auto req = paper_request();
    const auto plan = plan_for(req);
    const auto r = run(req, FeedStrategy::scheduled);
    // 200 s nominal + 30 s hold + 20 s at 80 % current (4 s of charge missing)
    EXPECT_NEAR(r.totals.duration_s, 234.0, 0.5);
    EXPECT_NEAR(r.totals.charge_c, plan.totals.charge_c, 1e-9);
    EXPECT_NEAR(r.totals.thickness_m, plan.totals.thickness_m, 0.01 * plan.totals.thickness_m);
    EXPECT_EQ(r.profile.size(), 200U);
    EXPECT_EQ(r.totals.hold_s, 30.0);
}

TEST(Twin, FixedSeedIsReproducibleAndSeedMatters) {
    const auto req = paper_request();
    const auto a = run(req, FeedStrategy::scheduled, Disturbance::standard, 7);
    const auto b = run(req, FeedStrategy::scheduled, Disturbance::standard, 7);
    const auto c = run(req, FeedStrategy::scheduled, Disturbance::standard, 8);
    EXPECT_EQ(a.rms_x_bi, b.rms_x_bi);
    EXPECT_NE(a.rms_x_bi, c.rms_x_bi);
}

TEST(Twin, InfeasibleRequestReportsThePlannersError) {
    TwinOptions opt;
    const auto r = simulate(paper_request(0.50, 0.10), opt);
    ASSERT_FALSE(r.has_value());
    EXPECT_TRUE(r.error().code == "pump_rate_exceeded" || r.error().code == "cell_overflow")
        << r.error().code;
    EXPECT_NE(r.error().where.find("nm"), std::string::npos);
}

TEST(Twin, PumpNeverExceedsItsMaximum) {
    auto req = paper_request();
    req.pump.max_rate_m3_per_s = units::ml_per_min_to_m3_per_s(80.0);  // plan peaks at 77.4
    const auto r = run(req, FeedStrategy::scheduled);
    EXPECT_LE(r.totals.max_rate_m3_per_s, req.pump.max_rate_m3_per_s);
}

namespace {

// A plant that deposits pure Bi at a fixed thickness per coulomb and counts what it was given.
class CountingPlant final : public Plant {
public:
    void prime(const plan::FeedPlan& plan) override {
        primed_with = plan.prebolus_m3;
        ++primes;
    }
    PlantStep advance(double h, double current, double q) override {
        charge += current * h;
        fed += q * h;
        steps_before_prime += primes == 0 ? 1 : 0;
        return current > 0.0 ? PlantStep{current * h * 1e-5, 0.25, current * h * 1e-7} : PlantStep{};
    }
    [[nodiscard]] double volume_m3() const override { return 42e-6; }

    int primes = 0;
    int steps_before_prime = 0;
    double primed_with = -1.0;
    double charge = 0.0;
    double fed = 0.0;
};

}  // namespace

TEST(Twin, AnInjectedPlantIsPrimedOnceThenGivenThePlannedChargeAndTheDeliveredFeed) {
    const auto req = paper_request();
    const auto plan = plan_for(req);
    TwinOptions opt;
    CountingPlant plant;
    const auto r = simulate(req, plan, opt, DisturbanceSet::standard(), plant);
    EXPECT_EQ(plant.primes, 1);
    EXPECT_EQ(plant.steps_before_prime, 0);
    EXPECT_EQ(plant.primed_with, plan.prebolus_m3);
    EXPECT_NEAR(plant.charge, plan.totals.charge_c, 1e-9);
    EXPECT_NEAR(plant.fed + plan.prebolus_m3, r.totals.fed_m3, 1e-12);
    EXPECT_EQ(r.totals.final_volume_m3, 42e-6);
    // Thickness 1e-7 m per coulomb, composition as the plant said.
    EXPECT_NEAR(r.totals.thickness_m, plan.totals.charge_c * 1e-7, 1e-12);
    ASSERT_FALSE(r.profile.empty());
    EXPECT_DOUBLE_EQ(r.profile.front().x_achieved, 0.25);
}
