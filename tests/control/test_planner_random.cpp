// Random non-increasing profiles: every request either plans with a clean round trip or fails
// with a documented code; nothing is NaN.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <string>

#include "control/plan/forward_check.hpp"
#include "control/plan/planner.hpp"
#include "plan_fixtures.hpp"

using namespace edc;
using namespace edc::plan;

TEST(PlannerRandom, EveryRequestPlansCleanlyOrFailsWithAKnownCode) {
    const std::set<std::string> known{
        issue::invalid_request,           issue::invalid_profile, issue::profile_increases,
        issue::bottom_unreachable,        issue::top_unreachable, issue::pump_rate_exceeded,
        issue::syringe_capacity_exceeded, issue::cell_overflow,   issue::feed_required_without_pump};
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    int planned = 0;
    for (int trial = 0; trial < 300; ++trial) {
        auto req = test::paper_request();
        req.cell.cell.mode = u(rng) < 0.5 ? model::CellMode::growing : model::CellMode::overflow;
        req.cell.cell.electrode_area_m2 = units::cm2_to_m2(1.0 + 99.0 * u(rng) * u(rng));
        req.pump.max_rate_m3_per_s = units::ml_per_min_to_m3_per_s(200.0);
        req.pump.syringe_volume_m3 = units::ml_to_m3(200.0);
        req.cell.cell.max_volume_m3 = units::ml_to_m3(200.0);
        req.cell.chemistry.selectivity = model::Selectivity::constant(0.8 + 0.4 * u(rng));
        const int n = 2 + static_cast<int>(6 * u(rng));
        std::vector<double> depths{0.0, 1.0};
        for (int i = 2; i < n; ++i) depths.push_back(u(rng));
        std::sort(depths.begin(), depths.end());
        depths.erase(std::unique(depths.begin(), depths.end()), depths.end());
        double x = 0.05 + 0.55 * u(rng);
        req.deposit.profile.clear();
        for (const double s : depths) {
            req.deposit.profile.push_back({s, x});
            x = std::max(0.02, x - 0.2 * u(rng));
        }
        const auto plan = make_plan(req);
        if (!plan) {
            ASSERT_FALSE(plan.error().issues.empty());
            for (const auto& i : plan.error().issues) {
                EXPECT_TRUE(known.count(i.code)) << i.code;
                EXPECT_FALSE(i.message.empty());
                EXPECT_TRUE(std::isfinite(i.depth_m) && std::isfinite(i.t_s)) << i.message;
            }
            continue;
        }
        ++planned;
        for (const auto& p : plan->points) {
            ASSERT_TRUE(std::isfinite(p.fed_m3) && std::isfinite(p.w_m3_per_c) &&
                        std::isfinite(p.x_predicted));
            ASSERT_GE(p.w_m3_per_c, 0.0);
        }
        if (!plan->has_warning("feed_clamped")) {
            EXPECT_LT(plan->totals.roundtrip_rms_x_bi, 0.001) << "trial " << trial;
            EXPECT_LT(forward_simulate(req, *plan).rms_x_bi, 0.001) << "trial " << trial;
        }
    }
    EXPECT_GT(planned, 30);  // the generator must exercise the feasible path too
}
