// The planner against design.md's worked example and closed forms computed here by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "control/model/units.hpp"
#include "control/plan/forward_check.hpp"
#include "control/plan/planner.hpp"
#include "plan_fixtures.hpp"

using namespace edc;
using namespace edc::plan;
using edc::test::paper_request;
using model::CellMode;

namespace {

constexpr double vm_bi = 21.3e-6;
constexpr double vm_sb = 18.2e-6;
double vm(double x) {
    return x * vm_bi + (1 - x) * vm_sb;
}

// Linear profile x(s) = x0 + (x1 - x0) s: growth per coulomb goes with Vm, so
// ds/dt = Vm(x) * integral_0^1 (ds / Vm) / T, the integral being ln(Vm1/Vm0) / (Vm1 - Vm0) for linear x.
double dxdt_linear(double x0, double x1, double x, double duration) {
    const double integral = std::log(vm(x1) / vm(x0)) / (vm(x1) - vm(x0));
    return (x1 - x0) * vm(x) * integral / duration;
}

double ml(double m3) {
    return units::m3_to_ml(m3);
}
double ml_min(double q) {
    return units::m3_per_s_to_ml_per_min(q);
}

}  // namespace

TEST(Planner, GrowingModePaperGradientGrowsBathFrom20To105Ml) {
    const auto plan = make_plan(paper_request());
    ASSERT_TRUE(plan.has_value()) << plan.error().summary();
    // dilution-only closed form V = V0 R0 / R*: R0 = 1, R*_end = 0.16/0.84
    const double v_end = 20.0 * 1.0 / (0.16 / 0.84);
    EXPECT_NEAR(v_end, 105.0, 0.1);
    EXPECT_NEAR(ml(plan->totals.final_volume_m3), v_end, 0.01 * v_end);  // consumption: ~0.1 % on 1 cm2
    EXPECT_NEAR(ml(plan->points.front().volume_m3), 20.0, 1e-9);
    EXPECT_DOUBLE_EQ(plan->prebolus_m3, 0.0);
}

TEST(Planner, GrowingModePaperFeedRateRisesFrom8To79MlPerMin) {
    const auto plan = make_plan(paper_request());
    ASSERT_TRUE(plan.has_value()) << plan.error().summary();
    // q = V0 R0 (-dx/dt) / x^2 for k = 1 and A, B sharing c_Sb
    const double q0 = 20.0 * -dxdt_linear(0.5, 0.16, 0.5, 200.0) / (0.5 * 0.5) * 60.0;
    const double q1 = 20.0 * -dxdt_linear(0.5, 0.16, 0.16, 200.0) / (0.16 * 0.16) * 60.0;
    EXPECT_NEAR(q0, 8.0, 0.5);
    EXPECT_NEAR(q1, 79.0, 1.5);
    EXPECT_NEAR(ml_min(plan->points.front().feed_rate_m3_per_s), q0, 0.01 * q0);
    EXPECT_NEAR(ml_min(plan->points.back().feed_rate_m3_per_s), q1, 0.01 * q1);
    EXPECT_NEAR(ml_min(plan->totals.max_feed_rate_m3_per_s), q1, 0.01 * q1);
}

TEST(Planner, OverflowModePaperGradientNeedsAbout33Ml) {
    const auto plan = make_plan(paper_request(0.50, 0.16, CellMode::overflow));
    ASSERT_TRUE(plan.has_value()) << plan.error().summary();
    const double w = 20.0 * std::log(1.0 / (0.16 / 0.84));  // V ln(R0/R*)
    EXPECT_NEAR(w, 33.2, 0.1);
    EXPECT_NEAR(ml(plan->totals.feed_volume_m3), w, 0.01 * w);
    EXPECT_NEAR(ml(plan->totals.final_volume_m3), 20.0, 1e-9);
    // q = V (-dx/dt) / (x (1 - x))
    const double q_end = 20.0 * -dxdt_linear(0.5, 0.16, 0.16, 200.0) / (0.16 * 0.84) * 60.0;
    EXPECT_NEAR(ml_min(plan->points.back().feed_rate_m3_per_s), q_end, 0.01 * q_end);
}

TEST(Planner, SteepGradientIsRejectedInGrowingModeWithNamedLimits) {
    const auto plan = make_plan(paper_request(0.50, 0.10));
    ASSERT_FALSE(plan.has_value());
    // V_end = 20 / (0.1/0.9) = 180 mL > 150 mL; q_end = 20 * 0.0017.. / 0.01 ~ 240 mL/min > 100
    EXPECT_TRUE(plan.error().has(issue::cell_overflow)) << plan.error().summary();
    EXPECT_TRUE(plan.error().has(issue::pump_rate_exceeded)) << plan.error().summary();
    for (const auto& i : plan.error().issues) {
        EXPECT_GT(i.t_s, 0.0);
        EXPECT_GT(i.depth_m, 0.0);
        EXPECT_NE(i.message.find(" nm"), std::string::npos) << i.message;
        EXPECT_NE(i.message.find(" s"), std::string::npos) << i.message;
    }
    // the cell fills where V0 / R* = 150 mL: R* = 2/15, x* = 2/17 = 0.1176
    const auto overflow = std::find_if(plan.error().issues.begin(), plan.error().issues.end(),
                                       [](const PlanIssue& i) { return i.code == issue::cell_overflow; });
    EXPECT_NE(overflow->message.find("0.117"), std::string::npos) << overflow->message;
}

TEST(Planner, SteepGradientIsPlannedInOverflowMode) {
    const auto plan = make_plan(paper_request(0.50, 0.10, CellMode::overflow));
    ASSERT_TRUE(plan.has_value()) << plan.error().summary();
    EXPECT_NEAR(ml(plan->totals.feed_volume_m3), 20.0 * std::log(9.0), 0.01 * 20.0 * std::log(9.0));
    EXPECT_LT(ml_min(plan->totals.max_feed_rate_m3_per_s), 100.0);
}

TEST(Planner, RoundTripForwardSimulationMatchesTargetWithin0p1AtPct) {
    for (const auto mode : {CellMode::growing, CellMode::overflow}) {
        const auto req = paper_request(0.50, 0.16, mode);
        const auto plan = make_plan(req);
        ASSERT_TRUE(plan.has_value()) << plan.error().summary();
        const auto fwd = forward_simulate(req, *plan);
        EXPECT_LT(fwd.rms_x_bi, 0.001);
        EXPECT_LT(plan->totals.roundtrip_rms_x_bi, 0.001);
        EXPECT_NEAR(ml(fwd.fed_m3), ml(plan->totals.feed_volume_m3), 0.01);
    }
}

TEST(Planner, PaperTotalsMatchTheFilm) {
    const auto plan = make_plan(paper_request());
    ASSERT_TRUE(plan.has_value());
    EXPECT_NEAR(plan->totals.charge_c, 1.14, 1e-12);
    EXPECT_NEAR(plan->totals.duration_s, 200.0, 1e-9);
    EXPECT_NEAR(units::kg_per_m2_to_mg_per_cm2(plan->totals.mass_kg_per_m2), 0.43, 0.01);
    EXPECT_NEAR(units::m_to_nm(plan->totals.thickness_m), 631.0, 8.0);
    // mole-weighted mean of the linear profile over charge: close to the depth mean 0.33
    EXPECT_NEAR(plan->totals.mean_x_bi, 0.33, 0.01);
    // charge is not linear in depth: the Bi-rich bottom grows faster per coulomb
    const auto& mid = plan->points[plan->points.size() / 2];
    EXPECT_GT(mid.depth_m, 0.5 * plan->totals.thickness_m);
}

TEST(Planner, ChargeAndThicknessBasesAgreeWithDuration) {
    const auto base = make_plan(paper_request());
    ASSERT_TRUE(base.has_value());
    auto by_charge = paper_request();
    by_charge.deposit.basis = DepositBasis::charge;
    by_charge.deposit.charge_c_per_m2 = units::c_per_cm2_to_c_per_m2(1.14);
    auto by_thickness = paper_request();
    by_thickness.deposit.basis = DepositBasis::thickness;
    by_thickness.deposit.thickness_m = base->totals.thickness_m;
    for (const auto& req : {by_charge, by_thickness}) {
        const auto p = make_plan(req);
        ASSERT_TRUE(p.has_value());
        EXPECT_NEAR(p->totals.duration_s, 200.0, 1e-6);
        EXPECT_NEAR(p->totals.thickness_m, base->totals.thickness_m, 1e-15);
    }
}

TEST(Planner, PreDilutionBolusMatchesGrowingClosedForm) {
    const auto plan = make_plan(paper_request(0.40, 0.16));
    ASSERT_TRUE(plan.has_value()) << plan.error().summary();
    // W_b = (n_Bi0 / R*0 - n_Sb0) / cB_Sb with R*0 = 0.4/0.6: (1 mmol * 1.5 - 1 mmol) / 50 mM = 10 mL
    EXPECT_NEAR(ml(plan->prebolus_m3), 10.0, 1e-6);
    EXPECT_NEAR(ml(plan->points.front().fed_m3), 10.0, 1e-6);
    EXPECT_NEAR(ml(plan->points.front().volume_m3), 30.0, 1e-6);
    EXPECT_NEAR(plan->points.front().x_predicted, 0.40, 1e-9);
}

TEST(Planner, PreDilutionBolusMatchesOverflowClosedForm) {
    auto req = paper_request(0.40, 0.16, CellMode::overflow);
    req.cell.chemistry.feed_b = {0.0, 80.0};  // B richer in Sb than A
    const auto plan = make_plan(req);
    ASSERT_TRUE(plan.has_value()) << plan.error().summary();
    // n_Bi = n_Bi0 e^{-u}, n_Sb = V cB + (n_Sb0 - V cB) e^{-u}, u = W/V; n_Bi / n_Sb = R*
    // -> e^{-u} (n_Bi0 - R* (n_Sb0 - V cB)) = R* V cB
    const double v = 20e-6, nbi0 = 1e-3, nsb0 = 1e-3, cb = 80.0, r = 0.4 / 0.6;
    const double u = std::log((nbi0 - r * (nsb0 - v * cb)) / (r * v * cb));
    EXPECT_NEAR(ml(plan->prebolus_m3), ml(u * v), 1e-6);
    EXPECT_NEAR(plan->points.front().x_predicted, 0.40, 1e-9);
}

TEST(Planner, RejectsRisingProfile) {
    auto req = paper_request();
    req.deposit.profile = {{0.0, 0.5}, {0.5, 0.3}, {1.0, 0.35}};
    const auto plan = make_plan(req);
    ASSERT_FALSE(plan.has_value());
    ASSERT_EQ(plan.error().issues.size(), 1U);
    EXPECT_EQ(plan.error().issues[0].code, issue::profile_increases);
    EXPECT_GT(plan.error().issues[0].depth_m, 0.0);
    EXPECT_NE(plan.error().issues[0].message.find("0.3000"), std::string::npos);
}

TEST(Planner, RejectsBottomAboveBathComposition) {
    const auto plan = make_plan(paper_request(0.55, 0.16));
    ASSERT_FALSE(plan.has_value());
    EXPECT_EQ(plan.error().issues.at(0).code, issue::bottom_unreachable);
    EXPECT_NE(plan.error().issues[0].message.find("0.5000"), std::string::npos);  // bath A's own x
}

// A calibrated k slightly below 1 puts bath A's own film (k/(1+k) at equal Bi and Sb) just
// under the paper's 0.50 bottom: within 0.5 at.% the plan starts from bath A and warns.
TEST(Planner, BottomJustAboveBathAIsPlannedFromBathAWithAWarning) {
    auto req = paper_request(0.50, 0.16);
    req.cell.chemistry.selectivity = model::Selectivity::constant(0.99);  // bath A: x = 0.99/1.99
    const auto plan = make_plan(req);
    ASSERT_TRUE(plan.has_value()) << plan.error().summary();
    EXPECT_DOUBLE_EQ(plan->prebolus_m3, 0.0);
    EXPECT_NEAR(plan->points.front().x_predicted, 0.99 / 1.99, 1e-9);
    ASSERT_TRUE(plan->has_warning("bottom_short"));
    const auto w = std::find_if(plan->warnings.begin(), plan->warnings.end(),
                                [](const auto& x) { return x.code == "bottom_short"; });
    EXPECT_NE(w->message.find("0.25 at.%"), std::string::npos) << w->message;  // 0.5 - 0.99/1.99
}

TEST(Planner, BottomBeyondTheToleranceAboveBathAIsRefusedNamingIt) {
    auto req = paper_request(0.50, 0.16);
    req.cell.chemistry.selectivity = model::Selectivity::constant(0.97);  // x = 0.4924: 0.76 at.% short
    const auto plan = make_plan(req);
    ASSERT_FALSE(plan.has_value());
    EXPECT_EQ(plan.error().issues.at(0).code, issue::bottom_unreachable);
    EXPECT_NE(plan.error().issues[0].message.find("tolerance of 0.50 at.%"), std::string::npos)
        << plan.error().issues[0].message;
    req.cell.chemistry.selectivity = model::Selectivity::constant(0.99);
    req.bottom_tolerance_x = 0.0;  // no tolerance: exactly the old rule
    EXPECT_FALSE(make_plan(req).has_value());
}

TEST(Planner, RejectsTopAtFeedCompositionWhenFeedHasNoBi) {
    const auto plan = make_plan(paper_request(0.5, 0.0, CellMode::overflow));
    ASSERT_FALSE(plan.has_value());
    EXPECT_EQ(plan.error().issues.at(0).code, issue::top_unreachable);
}

TEST(Planner, RejectsMalformedProfiles) {
    const std::vector<std::vector<ProfilePoint>> bad = {
        {{0.0, 0.5}},                                      // one point
        {{0.1, 0.5}, {1.0, 0.2}},                          // does not start at 0
        {{0.0, 0.5}, {0.9, 0.2}},                          // does not end at 1
        {{0.0, 0.5}, {0.6, 0.3}, {0.6, 0.2}, {1.0, 0.2}},  // not strictly increasing
        {{0.0, 1.5}, {1.0, 0.2}},                          // x outside [0, 1]
        {{0.0, 0.5}, {1.0, std::nan("")}},                 // not finite
    };
    for (const auto& prof : bad) {
        auto req = paper_request();
        req.deposit.profile = prof;
        const auto plan = make_plan(req);
        ASSERT_FALSE(plan.has_value());
        EXPECT_EQ(plan.error().issues.at(0).code, issue::invalid_profile) << plan.error().summary();
    }
}

TEST(Planner, RejectsSyringeTooSmall) {
    auto req = paper_request();
    req.pump.syringe_volume_m3 = units::ml_to_m3(50.0);
    const auto plan = make_plan(req);
    ASSERT_FALSE(plan.has_value());
    ASSERT_TRUE(plan.error().has(issue::syringe_capacity_exceeded));
    EXPECT_NE(plan.error().summary().find("50.000 mL"), std::string::npos) << plan.error().summary();
}

TEST(Planner, RejectsFeedWithoutPumpButAcceptsConstantProfile) {
    auto req = paper_request();
    req.pump.present = false;
    const auto graded = make_plan(req);
    ASSERT_FALSE(graded.has_value());
    EXPECT_EQ(graded.error().issues.at(0).code, issue::feed_required_without_pump);
    // the solid-solution recipe: constant x from bath A alone; consumption at k = 1 keeps the ratio
    req.deposit.profile = {{0.0, 0.5}, {1.0, 0.5}};
    const auto flat = make_plan(req);
    ASSERT_TRUE(flat.has_value()) << flat.error().summary();
    EXPECT_LT(flat->totals.feed_volume_m3, 1e-9);
}

TEST(Planner, ConsumptionOnLargeElectrodeChangesTheFeedBySeveralPercent) {
    auto req = paper_request();
    req.cell.cell.electrode_area_m2 = units::cm2_to_m2(100.0);  // 114 C: 0.29 mmol of metal from 2 mmol
    req.cell.cell.max_volume_m3 = units::ml_to_m3(500.0);
    req.pump.max_rate_m3_per_s = units::ml_per_min_to_m3_per_s(500.0);
    req.pump.syringe_volume_m3 = units::ml_to_m3(500.0);
    const auto plan = make_plan(req);
    ASSERT_TRUE(plan.has_value()) << plan.error().summary();
    const double dilution_only = 20.0 / (0.16 / 0.84) - 20.0;  // 85 mL
    const double exact = ml(plan->totals.feed_volume_m3);
    EXPECT_GT(std::abs(exact - dilution_only) / dilution_only, 0.03) << exact;

    // Forward simulation (independent time integration) confirms the exact plan ...
    const auto exact_fwd = forward_simulate(req, *plan);
    EXPECT_LT(exact_fwd.rms_x_bi, 0.001);
    // ... and shows the dilution-only schedule V(t) = V0 R0 / R*(t), q = V0 R0 (-dx/dt) / x^2, misses.
    const double duration = 200.0;
    const auto q_dilution = [&](double t) {
        const double x = plan->x_target_at(t * plan->totals.current_a);
        return 20e-6 * -dxdt_linear(0.5, 0.16, x, duration) / (x * x);
    };
    const auto dilution_fwd = forward_simulate(req, *plan, q_dilution);
    EXPECT_GT(dilution_fwd.rms_x_bi, 3.0 * exact_fwd.rms_x_bi);
    EXPECT_GT(dilution_fwd.max_x_bi, 0.005);
}

TEST(Planner, WarnsWhenPartialCurrentNearsMassTransportLimit) {
    auto req = paper_request();
    // Bi: i_L = 3 F D c / delta; at the top c_Bi ~ 1 mmol / 105 mL = 9.5 mM.
    // D = 1e-9, delta = 50 um: i_L(top) = 3 * 96485 * 1e-9 * 9.5 / 5e-5 = 55 A/m2 vs partial 0.16*41 = 6.6:
    // fine.
    req.transport = TransportData{1e-9, 1e-9, 50e-6};
    const auto fine = make_plan(req);
    ASSERT_TRUE(fine.has_value());
    EXPECT_FALSE(fine->has_warning("mass_transport_limited"));
    // delta = 1 mm: i_L(top, Bi) = 2.75 A/m2 < 0.8^-1 * 6.6 -> warning
    req.transport = TransportData{1e-9, 1e-9, 1e-3};
    const auto limited = make_plan(req);
    ASSERT_TRUE(limited.has_value());
    EXPECT_TRUE(limited->has_warning("mass_transport_limited"));
}

TEST(Planner, LookupsInterpolateTheChargeGrid) {
    const auto plan = make_plan(paper_request());
    ASSERT_TRUE(plan.has_value());
    const auto& p = plan->points;
    const double q_mid = 0.5 * (p[10].charge_c + p[11].charge_c);
    EXPECT_NEAR(plan->fed_at(q_mid), 0.5 * (p[10].fed_m3 + p[11].fed_m3), 1e-15);
    EXPECT_NEAR(plan->w_at(q_mid), 0.5 * (p[10].w_m3_per_c + p[11].w_m3_per_c), 1e-15);
    EXPECT_DOUBLE_EQ(plan->fed_at(-1.0), p.front().fed_m3);
    EXPECT_DOUBLE_EQ(plan->fed_at(1e9), p.back().fed_m3);
    EXPECT_NEAR(plan->x_target_at_depth(p[500].depth_m), p[500].x_target, 1e-12);
}

TEST(Planner, ManyProfilePointsGiveTheSamePlanAsTwo) {
    auto req = paper_request();
    const auto two = make_plan(req);
    req.deposit.profile.clear();
    for (int i = 0; i <= 10000; ++i) {
        const double s = i / 10000.0;
        req.deposit.profile.push_back({s, 0.5 + (0.16 - 0.5) * s});
    }
    const auto many = make_plan(req);
    ASSERT_TRUE(two.has_value());
    ASSERT_TRUE(many.has_value());
    EXPECT_NEAR(many->totals.feed_volume_m3, two->totals.feed_volume_m3, 1e-9);
    EXPECT_NEAR(many->totals.thickness_m, two->totals.thickness_m, 1e-13);
}

TEST(Planner, SelectivityTableIsHonoured) {
    auto req = paper_request();
    const std::array<model::SelectivityPoint, 2> pts{{{0.1, 0.9}, {1.0, 1.1}}};
    req.cell.chemistry.selectivity = *model::Selectivity::table(pts);
    // bath A ratio 1 -> k 1.1 -> x0 = 1.1/2.1 = 0.5238; a bottom of 0.5 needs a bolus
    const auto plan = make_plan(req);
    ASSERT_TRUE(plan.has_value()) << plan.error().summary();
    EXPECT_GT(plan->prebolus_m3, 0.0);
    EXPECT_LT(plan->totals.roundtrip_rms_x_bi, 0.001);
}
