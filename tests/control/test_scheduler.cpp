// The scheduler tick: charge indexing, feedforward, clamping, observer, hold behaviour.
#include <gtest/gtest.h>

#include <cmath>

#include "control/loop/pump_rate.hpp"
#include "control/loop/scheduler.hpp"
#include "control/plan/planner.hpp"
#include "plan_fixtures.hpp"

using namespace edc;
using namespace edc::loop;

namespace {

struct Rig {
    plan::PlanRequest req = test::paper_request();
    plan::FeedPlan plan;
    Rig() {
        auto p = plan::make_plan(req);
        EXPECT_TRUE(p.has_value());
        plan = *p;
    }
    double current() const { return plan.totals.current_a; }
};

// Ideal pump: the counter is the integral of the command.
struct IdealPumpRun {
    Scheduler& s;
    double t = 0.0;
    double counter = 0.0;
    SchedulerOutput last{};
    void run(double seconds, double current, bool on = true, double dt = 0.05) {
        const int n = static_cast<int>(std::lround(seconds / dt));
        for (int i = 0; i < n; ++i) {
            last = s.tick({t, current, on, counter, true, 0.0});
            counter += last.feed_rate_m3_per_s * dt;
            t += dt;
        }
    }
};

}  // namespace

TEST(Scheduler, IdealCellFollowsPlanFeedWithinAFewMicrolitres) {
    Rig rig;
    rig.req.cell.cell.mixing_time_s = 0.0;
    rig.req.pump.flow_lag_s = 0.0;
    Scheduler s(rig.plan, rig.req.cell, rig.req.pump, SchedulerConfig{});
    IdealPumpRun run{s};
    for (int k = 1; k <= 19; ++k) {
        run.run(10.0, rig.current());
        const double q = run.last.charge_c;
        EXPECT_NEAR(q, (run.t - 0.05) * rig.current(), 1e-9);  // charge up to the last tick
        // with the plunger on plan, the delivered volume tracks W(Q) (lag <= one command period)
        EXPECT_NEAR(run.counter, rig.plan.fed_at(q), 0.3e-6) << "t = " << run.t;
        EXPECT_NEAR(run.last.feed_rate_m3_per_s, rig.plan.w_at(q) * rig.current(),
                    0.03 * rig.plan.w_at(q) * rig.current());
    }
}

TEST(Scheduler, FeedScalesWithMeasuredCurrentAtTheSameCharge) {
    Rig rig;
    rig.req.cell.cell.mixing_time_s = 0.0;
    rig.req.pump.flow_lag_s = 0.0;
    SchedulerConfig cfg;
    cfg.command_period_s = 0.0;
    Scheduler full(rig.plan, rig.req.cell, rig.req.pump, cfg);
    Scheduler half(rig.plan, rig.req.cell, rig.req.pump, cfg);
    IdealPumpRun a{full};
    IdealPumpRun b{half};
    a.run(60.0, rig.current(), true, 0.05);
    b.run(120.0, 0.5 * rig.current(), true, 0.1);  // the same charge per tick
    EXPECT_NEAR(a.last.charge_c, b.last.charge_c, 1e-9);
    EXPECT_NEAR(a.last.depth_m, b.last.depth_m, 1e-12);
    EXPECT_NEAR(b.last.feed_rate_m3_per_s, 0.5 * a.last.feed_rate_m3_per_s, 0.03 * a.last.feed_rate_m3_per_s);
    EXPECT_NEAR(a.counter, b.counter, 0.3e-6);  // same charge, same volume: depth-indexed, not time-indexed
}

TEST(Scheduler, NoFeedAndNoChargeWhileCurrentIsOff) {
    Rig rig;
    Scheduler s(rig.plan, rig.req.cell, rig.req.pump);
    IdealPumpRun run{s};
    run.run(20.0, rig.current());
    const double q = run.last.charge_c;
    run.run(30.0, rig.current(), false);
    EXPECT_EQ(run.last.feed_rate_m3_per_s, 0.0);
    EXPECT_NEAR(run.last.charge_c, q, 1e-12);
    run.run(1.0, rig.current());
    EXPECT_GT(run.last.feed_rate_m3_per_s, 0.0);
}

TEST(Scheduler, LeadsThePlanByMixingAndPumpLag) {
    Rig rig;  // tau_mix 3 s, tau_pump 1 s
    SchedulerConfig cfg;
    cfg.volume_feedback = false;
    cfg.lead_ramp_lags = 0.0;  // the whole lead from the first tick
    cfg.max_rate_step_m3_per_s = 1.0;
    Scheduler s(rig.plan, rig.req.cell, rig.req.pump, cfg);
    const auto out = s.tick({0.0, rig.current(), true, 0.0, true, 0.0});
    const double expected = rig.plan.w_at(4.0 * rig.current()) * rig.current();
    EXPECT_NEAR(out.feed_rate_m3_per_s, expected, 1e-3 * expected);
    EXPECT_GT(out.feed_rate_m3_per_s, 1.01 * rig.plan.w_at(0.0) * rig.current());
}

TEST(Scheduler, LeadComesInOverTheFirstLagTimesNotAtTheFirstTick) {
    Rig rig;  // tau_mix 3 s, tau_pump 1 s: the lead is in full after 1.5 x 4 s at the plan's current
    Scheduler s(rig.plan, rig.req.cell, rig.req.pump);
    const double plan_rate = rig.plan.w_at(0.0) * rig.current();
    const auto first = s.tick({0.0, rig.current(), true, 0.0, true, 0.0});
    EXPECT_NEAR(first.feed_rate_m3_per_s, plan_rate, 0.01 * plan_rate);
    IdealPumpRun run{s, 0.05};
    run.run(20.0, rig.current());
    // After the ramp the plunger leads the plan by the mixing lag's charge plus the pump's hold-up.
    const double q = run.last.charge_c;
    const double led = rig.plan.fed_at(q + 3.0 * rig.current()) + 1.0 * rig.plan.w_at(q) * rig.current();
    EXPECT_NEAR(run.counter, led, 0.02 * led);
}

TEST(Scheduler, CommandIsClampedToPumpMaximumAndFlagged) {
    Rig rig;
    rig.req.pump.max_rate_m3_per_s = units::ml_per_min_to_m3_per_s(2.0);
    Scheduler s(rig.plan, rig.req.cell, rig.req.pump);
    IdealPumpRun run{s};
    run.run(5.0, rig.current());
    EXPECT_DOUBLE_EQ(run.last.feed_rate_m3_per_s, units::ml_per_min_to_m3_per_s(2.0));
    EXPECT_TRUE(run.last.rate_limited);
}

TEST(Scheduler, CommandChangesAtMostOneStepPerCommandAndHasFourDigits) {
    Rig rig;
    SchedulerConfig cfg;
    cfg.max_rate_step_m3_per_s = units::ml_per_min_to_m3_per_s(1.0);
    Scheduler s(rig.plan, rig.req.cell, rig.req.pump, cfg);
    const auto first = s.tick({0.0, rig.current(), true, 0.0, true, 0.0});
    EXPECT_NEAR(units::m3_per_s_to_ml_per_min(first.feed_rate_m3_per_s), 1.0, 1e-9);
    IdealPumpRun run{s, 0.05};
    double prev = first.feed_rate_m3_per_s;
    for (int i = 0; i < 200; ++i) {
        run.run(0.05, rig.current());
        const double q = run.last.feed_rate_m3_per_s;
        EXPECT_LE(std::abs(q - prev), cfg.max_rate_step_m3_per_s * (1 + 1e-3));
        const double ml_min = units::m3_per_s_to_ml_per_min(q);
        const double scale = std::pow(10.0, std::floor(std::log10(ml_min)) - 3);
        EXPECT_NEAR(ml_min / scale, std::round(ml_min / scale), 1e-6) << ml_min;
        prev = q;
    }
}

TEST(Scheduler, CommandsOnlyEveryCommandPeriod) {
    Rig rig;
    SchedulerConfig cfg;
    cfg.command_period_s = 0.2;
    Scheduler s(rig.plan, rig.req.cell, rig.req.pump, cfg);
    IdealPumpRun run{s};
    int changes = 0;
    double prev = -1.0;
    for (int i = 0; i < 100; ++i) {  // 5 s at 20 Hz
        run.run(0.05, rig.current());
        if (run.last.feed_rate_m3_per_s != prev) ++changes;
        prev = run.last.feed_rate_m3_per_s;
    }
    EXPECT_LE(changes, 26);  // 5 s / 0.2 s + the first
}

TEST(Scheduler, ObserverFollowsFreshCounterAndIgnoresStaleOne) {
    Rig rig;
    Scheduler fresh(rig.plan, rig.req.cell, rig.req.pump);
    Scheduler stale(rig.plan, rig.req.cell, rig.req.pump);
    SchedulerOutput a{}, b{};
    for (int i = 0; i < 200; ++i) {  // counter says 5 mL more than commanded
        const double t = 0.05 * i;
        a = fresh.tick({t, 0.0, false, 5e-6, true, 0.0});
        b = stale.tick({t, 0.0, false, 5e-6, true, 10.0});
    }
    EXPECT_NEAR(a.bath.plunger_m3, 5e-6, 0.01e-6);
    EXPECT_NEAR(b.bath.plunger_m3, 0.0, 1e-15);
}

TEST(Scheduler, PumpLagDelaysDeliveredVolumeByTheLag) {
    Rig rig;  // tau_pump 1 s
    Scheduler s(rig.plan, rig.req.cell, rig.req.pump);
    IdealPumpRun run{s};
    run.run(30.0, rig.current());
    // steady ramp: delivered = plunger - tau q_delivered
    const auto& b = run.last.bath;
    EXPECT_NEAR(b.delivered_m3, b.plunger_m3 - 1.0 * b.delivered_rate_m3_per_s, 1e-15);
    EXPECT_LT(b.delivered_m3, b.plunger_m3);
}

TEST(Scheduler, StopsFeedingWhenPlannedChargeIsReached) {
    Rig rig;
    Scheduler s(rig.plan, rig.req.cell, rig.req.pump);
    IdealPumpRun run{s};
    run.run(200.05, rig.current());
    EXPECT_TRUE(run.last.done);
    EXPECT_EQ(run.last.feed_rate_m3_per_s, 0.0);
    EXPECT_NEAR(run.counter, rig.plan.totals.feed_volume_m3, 0.01 * rig.plan.totals.feed_volume_m3);
}

TEST(PumpRate, QuantisesToSignificantDigits) {
    EXPECT_EQ(rate_significant_digits(1e-4), 4);
    EXPECT_DOUBLE_EQ(quantise_rate(12.3456, 4), 12.35);
    EXPECT_DOUBLE_EQ(quantise_rate(0.00123456, 4), 0.001235);
    EXPECT_DOUBLE_EQ(quantise_rate(-1.0, 4), 0.0);
    plan::PumpLimits p;
    p.max_rate_m3_per_s = 10.0;
    p.min_rate_m3_per_s = 1.0;
    EXPECT_DOUBLE_EQ(pump_setting(20.0, p, 4), 10.0);
    EXPECT_DOUBLE_EQ(pump_setting(0.4, p, 4), 0.0);
    EXPECT_DOUBLE_EQ(pump_setting(0.6, p, 4), 1.0);
    p.present = false;
    EXPECT_DOUBLE_EQ(pump_setting(5.0, p, 4), 0.0);
}

// A resumed run (`edc resume`): the plan starts at the interrupted run's charge and feed (the
// fresh plan's state at 40 % fed back as a StartState); the pump's counter starts again at 0.
// The scheduler continues both axes: charge from the start state's, the plunger from its feed.
TEST(Scheduler, ResumedPlanContinuesTheChargeAndFeedAxesFromItsStartState) {
    Rig fresh;
    fresh.req.cell.cell.mixing_time_s = 0.0;
    fresh.req.pump.flow_lag_s = 0.0;
    auto full = plan::make_plan(fresh.req);
    ASSERT_TRUE(full);
    const double q0 = 0.4 * full->totals.charge_c;
    const auto& at =
        full->points[static_cast<std::size_t>(0.4 * static_cast<double>(full->points.size() - 1))];
    plan::PlanRequest req = fresh.req;
    plan::StartState start;
    start.charge_c = at.charge_c;
    start.bath_volume_m3 = at.volume_m3;
    start.c_bi_mol_per_m3 = at.n_bi_mol / at.volume_m3;
    start.c_sb_mol_per_m3 = at.n_sb_mol / at.volume_m3;
    start.fed_m3 = at.fed_m3;
    req.start = start;
    auto rest = plan::make_plan(req);
    ASSERT_TRUE(rest) << rest.error().summary();
    Scheduler s(*rest, req.cell, req.pump, SchedulerConfig{});
    IdealPumpRun run{s};
    run.run(0.05, fresh.current());
    EXPECT_NEAR(run.last.charge_c, start.charge_c, 1e-12);
    EXPECT_NEAR(run.last.bath.plunger_m3, start.fed_m3, 1e-12);
    run.run(20.0, fresh.current());
    const double q = run.last.charge_c;
    EXPECT_NEAR(q, start.charge_c + (run.t - 0.05) * fresh.current(), 1e-9);
    EXPECT_GT(q, q0);
    // The counter counts only this run's B; with the start's feed it follows the fresh plan.
    EXPECT_NEAR(start.fed_m3 + run.counter, full->fed_at(q), 0.3e-6);
}
