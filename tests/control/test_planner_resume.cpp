// The planner from a given state (PlanRequest::start, contract A): a resumed run's plan against
// the fresh plan's tail and against a forward Euler integration of the cell written here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "control/model/units.hpp"
#include "control/plan/planner.hpp"
#include "plan_fixtures.hpp"

using namespace edc;
using namespace edc::plan;
using edc::test::paper_request;
using model::CellMode;

namespace {

// The paper's cell (plan_fixtures.hpp), restated: k = 1, A 50/50 mM, B 0/50 mM, 1 cm2,
// 5.7 mA/cm2 for 200 s, eta 0.725, packing 0.868, z = 3.
constexpr double faraday = 96485.332;
constexpr double metal_per_c = 0.725 / (3.0 * faraday);  // mol per coulomb
constexpr double area = 1e-4;
constexpr double packing = 0.868;
constexpr double total_charge = 57.0 * area * 200.0;
constexpr double feed_sb = 50.0;
double vm(double x) {
    return x * 21.3e-6 + (1 - x) * 18.2e-6;
}
double target(double s) {
    return 0.50 + (0.16 - 0.50) * s;
}
double film_x(double n_bi, double n_sb) {
    const double r = n_bi / n_sb;
    return r / (1.0 + r);
}

struct EulerResult {
    double rms = 0.0;       // deposited vs target, over the continuation
    double tail_max = 0.0;  // over the last 40 % of the charge
    double final_volume_m3 = 0.0;
};

// Forward Euler along the charge axis with the plan's cumulative feed as the input. Depth comes
// from dh/dQ = a Vm(x*) / (A p) integrated from the substrate, so the target at each charge
// does not come from the planner's profile axis.
EulerResult forward_euler(const FeedPlan& plan, const StartState& st, CellMode mode) {
    const int n = 40000;
    const double dq = total_charge / n;
    // H = a Q / (A p int_0^1 ds / Vm(x*(s))), the integral by the midpoint rule.
    double inv_vm = 0.0;
    const int m = 100000;
    for (int j = 0; j < m; ++j) inv_vm += 1.0 / vm(target((j + 0.5) / m)) / m;
    const double thickness = metal_per_c * total_charge / (area * packing * inv_vm);
    EulerResult out;
    double v = st.bath_volume_m3;
    double nbi = st.c_bi_mol_per_m3 * v;
    double nsb = st.c_sb_mol_per_m3 * v;
    double depth = 0.0;
    double sum_sq = 0.0;
    int count = 0;
    for (int i = 0; i < n; ++i) {
        const double q = i * dq;
        const double s = std::min(depth / thickness, 1.0);
        depth += metal_per_c * vm(target(s)) / (area * packing) * dq;
        if (q + dq <= st.charge_c) continue;
        const double x = film_x(nbi, nsb);
        const double err = x - target(s);
        sum_sq += err * err;
        ++count;
        if (q > 0.6 * total_charge) out.tail_max = std::max(out.tail_max, std::abs(err));
        const double dw = plan.fed_at(q + dq) - plan.fed_at(q);
        const double a = metal_per_c * dq;
        if (mode == CellMode::growing) {
            v += dw;
            nbi -= x * a;
            nsb += dw * feed_sb - (1 - x) * a;
        } else {
            const double c_bi = nbi / v;
            const double c_sb = nsb / v;
            nbi += -dw * c_bi - x * a;
            nsb += dw * (feed_sb - c_sb) - (1 - x) * a;
        }
    }
    out.rms = std::sqrt(sum_sq / count);
    out.final_volume_m3 = v;
    return out;
}

// The fresh plan's own bath at point i, as a resumed run would measure it.
StartState state_at(const FeedPlan& plan, std::size_t i) {
    const auto& p = plan.points[i];
    StartState st;
    st.charge_c = p.charge_c;
    st.bath_volume_m3 = p.volume_m3;
    st.c_bi_mol_per_m3 = p.n_bi_mol / p.volume_m3;
    st.c_sb_mol_per_m3 = p.n_sb_mol / p.volume_m3;
    st.fed_m3 = p.fed_m3;
    return st;
}

// dv of B added to (dv > 0) or withheld from (dv < 0) the bath the fresh plan expects.
StartState with_extra_b(StartState st, double dv, CellMode mode) {
    double nbi = st.c_bi_mol_per_m3 * st.bath_volume_m3;
    double nsb = st.c_sb_mol_per_m3 * st.bath_volume_m3;
    if (mode == CellMode::growing) {
        nsb += dv * feed_sb;
        st.bath_volume_m3 += dv;
    } else {  // small dv: the outflow leaves at the bath's composition
        nbi -= dv * nbi / st.bath_volume_m3;
        nsb += dv * (feed_sb - nsb / st.bath_volume_m3);
    }
    st.c_bi_mol_per_m3 = nbi / st.bath_volume_m3;
    st.c_sb_mol_per_m3 = nsb / st.bath_volume_m3;
    st.fed_m3 += dv;
    return st;
}

PlanRequest resumed(PlanRequest req, const StartState& st) {
    req.start = st;
    return req;
}

class ResumeFromFreshState : public ::testing::TestWithParam<CellMode> {};

}  // namespace

TEST_P(ResumeFromFreshState, ContinuationReproducesTheFreshPlansTail) {
    const auto mode = GetParam();
    const auto req = paper_request(0.50, 0.16, mode);
    const auto fresh = make_plan(req);
    ASSERT_TRUE(fresh.has_value()) << fresh.error().summary();
    const auto st = state_at(*fresh, 800);  // 40 % of the charge
    const auto cont = make_plan(resumed(req, st));
    ASSERT_TRUE(cont.has_value()) << cont.error().summary();

    EXPECT_DOUBLE_EQ(cont->points.front().charge_c, st.charge_c);
    EXPECT_NEAR(cont->points.back().charge_c, total_charge, 1e-12);
    EXPECT_DOUBLE_EQ(cont->prebolus_m3, 0.0);
    EXPECT_NEAR(cont->points.front().fed_m3, st.fed_m3, 1e-15);
    EXPECT_FALSE(cont->has_warning("resume_bath_ahead"));
    EXPECT_FALSE(cont->has_warning("resume_catch_up"));
    const double feed_total = fresh->totals.feed_volume_m3;
    for (double f : {0.4, 0.5, 0.7, 0.9, 1.0}) {
        const double q = f * total_charge;
        EXPECT_NEAR(cont->fed_at(q), fresh->fed_at(q), 1e-4 * feed_total) << "charge fraction " << f;
        EXPECT_NEAR(cont->volume_at(q), fresh->volume_at(q), 1e-4 * fresh->totals.final_volume_m3);
        EXPECT_NEAR(cont->depth_at(q), fresh->depth_at(q), 1e-6 * fresh->totals.thickness_m);
        EXPECT_NEAR(cont->points.front().t_s, st.charge_c / (57.0 * area), 1e-9);
    }
    // Totals describe the whole film.
    EXPECT_DOUBLE_EQ(cont->totals.charge_c, fresh->totals.charge_c);
    EXPECT_DOUBLE_EQ(cont->totals.thickness_m, fresh->totals.thickness_m);
    EXPECT_DOUBLE_EQ(cont->totals.duration_s, fresh->totals.duration_s);
    EXPECT_NEAR(cont->totals.feed_volume_m3, feed_total, 1e-4 * feed_total);
    EXPECT_NEAR(cont->totals.mean_x_bi, 0.33, 0.005);
    EXPECT_NEAR(cont->totals.mass_kg_per_m2, fresh->totals.mass_kg_per_m2,
                1e-3 * fresh->totals.mass_kg_per_m2);

    const auto euler = forward_euler(*cont, st, mode);
    EXPECT_LT(euler.rms, 0.005);
    EXPECT_LT(euler.tail_max, 0.001);
}

INSTANTIATE_TEST_SUITE_P(BothModes, ResumeFromFreshState,
                         ::testing::Values(CellMode::growing, CellMode::overflow));

TEST(PlannerResume, BathWithExtraBWarnsAndWaitsForTheTargetToCatchUp) {
    const auto req = paper_request();
    const auto fresh = make_plan(req);
    ASSERT_TRUE(fresh.has_value()) << fresh.error().summary();
    // The pump ran on during an outage: 5 mL of B more than the plan at 40 %.
    const auto st = with_extra_b(state_at(*fresh, 800), units::ml_to_m3(5.0), CellMode::growing);
    const auto cont = make_plan(resumed(req, st));
    ASSERT_TRUE(cont.has_value()) << cont.error().summary();
    EXPECT_TRUE(cont->has_warning("resume_bath_ahead"));
    EXPECT_FALSE(cont->has_warning("feed_clamped"));

    // The bath deposits x_a now; the linear target reaches it at depth fraction s_a. No feed
    // until shortly before that (the planner eases in over 2 % of the charge), feed right after.
    const double x_a = film_x(st.c_bi_mol_per_m3, st.c_sb_mol_per_m3);
    const double s_a = (0.50 - x_a) / 0.34;
    const auto first_feed = std::find_if(cont->points.begin(), cont->points.end(),
                                         [&](const FeedPoint& p) { return p.fed_m3 > st.fed_m3 + 1e-9; });
    ASSERT_NE(first_feed, cont->points.end());
    const double s_feed = first_feed->depth_m / cont->totals.thickness_m;
    EXPECT_GT(s_feed, s_a - 0.03);
    EXPECT_LE(s_feed, s_a);

    // Growing mode with c_Sb shared by A and B: V = n_Bi / (R* c_Sb) whatever the path, so the
    // rest ends at the fresh plan's volume and the film is back on target at the top.
    const auto euler = forward_euler(*cont, st, CellMode::growing);
    EXPECT_NEAR(euler.final_volume_m3, fresh->totals.final_volume_m3, 0.005 * fresh->totals.final_volume_m3);
    EXPECT_LT(euler.tail_max, 0.001);
    EXPECT_GT(euler.rms, 0.005);  // best effort: the stretch below the target shows
}

TEST(PlannerResume, BathShortOfBCatchesUpWithinThePumpLimit) {
    const auto req = paper_request();
    const auto fresh = make_plan(req);
    ASSERT_TRUE(fresh.has_value()) << fresh.error().summary();
    // The pump stopped early: 10 mL of B less than the plan at 40 %; making that up at the
    // planner's usual pace would need more than the pump's 100 mL/min.
    const auto st = with_extra_b(state_at(*fresh, 800), units::ml_to_m3(-10.0), CellMode::growing);
    const auto cont = make_plan(resumed(req, st));
    ASSERT_TRUE(cont.has_value()) << cont.error().summary();
    EXPECT_TRUE(cont->has_warning("resume_catch_up"));
    EXPECT_FALSE(cont->has_warning("resume_bath_ahead"));
    EXPECT_LE(cont->totals.max_feed_rate_m3_per_s, req.pump.max_rate_m3_per_s * (1 + 1e-9));
    // At the start the feed runs faster than the fresh plan's there.
    EXPECT_GT(cont->points.front().feed_rate_m3_per_s, 2.0 * fresh->points[800].feed_rate_m3_per_s);
    // Caught up by half the charge: the cumulative feed rejoins the fresh plan's.
    for (double f : {0.5, 0.75, 1.0}) {
        const double q = f * total_charge;
        EXPECT_NEAR(cont->fed_at(q), fresh->fed_at(q), 0.002 * fresh->totals.feed_volume_m3) << f;
    }
    const auto euler = forward_euler(*cont, st, CellMode::growing);
    EXPECT_NEAR(euler.final_volume_m3, fresh->totals.final_volume_m3, 0.005 * fresh->totals.final_volume_m3);
    EXPECT_LT(euler.tail_max, 0.001);
}

TEST(PlannerResume, SyringeThatCannotSupplyTheRestFailsSyringeExhausted) {
    const auto req = paper_request();  // 140 mL syringe; the whole paper profile needs ~85 mL
    const auto fresh = make_plan(req);
    ASSERT_TRUE(fresh.has_value()) << fresh.error().summary();
    auto st = state_at(*fresh, 800);
    const double rest = fresh->totals.feed_volume_m3 - st.fed_m3;
    // The bath as planned, but 70 mL of the syringe already spent before (e.g. a rinse).
    st.fed_m3 = req.pump.syringe_volume_m3 - 0.5 * rest;
    const auto cont = make_plan(resumed(req, st));
    ASSERT_FALSE(cont.has_value());
    EXPECT_TRUE(cont.error().has(issue::syringe_exhausted));
    EXPECT_TRUE(cont.error().has("syringe_capacity_exceeded"));
    EXPECT_NE(cont.error().summary().find("before the resume"), std::string::npos) << cont.error().summary();
    // With just enough left it plans.
    st.fed_m3 = req.pump.syringe_volume_m3 - 1.01 * rest;
    EXPECT_TRUE(make_plan(resumed(req, st)).has_value());
}

TEST(PlannerResume, InvalidStartStateIsRejectedNamingTheField) {
    const auto req = paper_request();
    const auto fresh = make_plan(req);
    ASSERT_TRUE(fresh.has_value()) << fresh.error().summary();
    const auto good = state_at(*fresh, 800);
    struct Case {
        const char* field;
        StartState st;
    };
    auto with = [&](auto change) {
        auto st = good;
        change(st);
        return st;
    };
    const Case cases[] = {
        {"start.charge_c", with([](StartState& s) { s.charge_c = -1e-3; })},
        {"start.charge_c", with([](StartState& s) { s.charge_c = 1.5 * total_charge; })},
        {"start.bath_volume_m3", with([](StartState& s) { s.bath_volume_m3 = 0.0; })},
        {"start.c_bi_mol_per_m3",
         with([](StartState& s) { s.c_bi_mol_per_m3 = std::numeric_limits<double>::quiet_NaN(); })},
        {"start.c_sb_mol_per_m3", with([](StartState& s) { s.c_sb_mol_per_m3 = 0.0; })},
        {"start.fed_m3", with([](StartState& s) { s.fed_m3 = -1e-6; })},
    };
    for (const auto& c : cases) {
        const auto plan = make_plan(resumed(req, c.st));
        ASSERT_FALSE(plan.has_value()) << c.field;
        EXPECT_TRUE(plan.error().has(issue::invalid_request)) << plan.error().summary();
        EXPECT_NE(plan.error().summary().find(c.field), std::string::npos) << plan.error().summary();
    }
}
