// A measured profile against the recipe's target and the controller's record: hand-computed
// figures on small profiles.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "app/calibration/profile_compare.hpp"

namespace edc::calibration {
namespace {

// The paper's graded film: 0.50 at the substrate to 0.16 at the top.
const std::vector<plan::ProfilePoint> graded{{0.0, 0.50}, {1.0, 0.16}};

DepthProfile profile(std::vector<ProfilePoint> points) {
    return {std::move(points), "test"};
}

TEST(ProfileCompare, TargetIsLinearBetweenTheRecipesPointsAndFlatOutside) {
    const std::vector<plan::ProfilePoint> steps{{0.2, 0.6}, {0.5, 0.3}, {1.0, 0.3}};
    EXPECT_DOUBLE_EQ(target_at_fraction(steps, 0.0), 0.6);
    EXPECT_DOUBLE_EQ(target_at_fraction(steps, 0.35), 0.45);
    EXPECT_DOUBLE_EQ(target_at_fraction(steps, 0.8), 0.3);
    EXPECT_DOUBLE_EQ(target_at_fraction(steps, 1.5), 0.3);
}

TEST(ProfileCompare, MeasuredOnTargetHasNoError) {
    const auto measured = profile({{0.0, 0.50}, {300e-9, 0.33}, {600e-9, 0.16}});
    const auto predicted = profile({{1e-9, 0.50}, {600e-9, 0.16}});
    const auto c = compare_profiles(measured, graded, predicted);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->points.size(), 3U);
    EXPECT_NEAR(c->rms_error_at_pct, 0.0, 1e-12);
    EXPECT_NEAR(c->max_error_at_pct, 0.0, 1e-12);
    EXPECT_DOUBLE_EQ(c->thickness_m_measured, 600e-9);
    EXPECT_DOUBLE_EQ(c->thickness_m_predicted, 600e-9);
    EXPECT_NEAR(c->mean_x_bi_measured, 0.33, 1e-12);
    EXPECT_NEAR(c->mean_x_bi_target, 0.33, 1e-12);
}

// Errors +1, -2, +1.5 at.%: RMS sqrt((1 + 4 + 2.25) / 3), worst 2 at the middle point.
TEST(ProfileCompare, RmsAndWorstErrorAreInAtomicPercent) {
    const auto measured = profile({{0.0, 0.51}, {300e-9, 0.31}, {600e-9, 0.175}});
    const auto c = compare_profiles(measured, graded, profile({{1e-9, 0.5}, {600e-9, 0.16}}));
    ASSERT_TRUE(c);
    EXPECT_NEAR(c->rms_error_at_pct, std::sqrt(7.25 / 3.0), 1e-9);
    EXPECT_NEAR(c->max_error_at_pct, 2.0, 1e-9);
    EXPECT_DOUBLE_EQ(c->max_error_depth_m, 300e-9);
}

// A film twice as thick as predicted (efficiency off) but graded as asked: compared over the
// depth fraction, it is on target; the thickness figures tell the difference.
TEST(ProfileCompare, TargetFollowsTheMeasuredThicknessNotThePredictedOne) {
    const auto measured = profile({{0.0, 0.50}, {600e-9, 0.33}, {1200e-9, 0.16}});
    const auto predicted = profile({{1e-9, 0.50}, {300e-9, 0.33}, {600e-9, 0.16}});
    const auto c = compare_profiles(measured, graded, predicted);
    ASSERT_TRUE(c);
    EXPECT_NEAR(c->rms_error_at_pct, 0.0, 1e-12);
    EXPECT_NEAR(c->rms_vs_predicted_at_pct, 0.0, 1e-9);
    EXPECT_DOUBLE_EQ(c->thickness_m_measured, 1200e-9);
    EXPECT_DOUBLE_EQ(c->thickness_m_predicted, 600e-9);
}

// Depth-weighted: 0.5 over the first 100 nm, then 0.5 -> 0.1 over 300 nm (mean 0.3):
// (0.5 * 100 + 0.3 * 300) / 400 = 0.35. The unweighted mean of the points would be 0.367.
TEST(ProfileCompare, MeanCompositionIsDepthWeighted) {
    const auto measured = profile({{0.0, 0.5}, {100e-9, 0.5}, {400e-9, 0.1}});
    const auto c = compare_profiles(measured, graded, profile({{1e-9, 0.4}, {400e-9, 0.2}}));
    ASSERT_TRUE(c);
    EXPECT_NEAR(c->mean_x_bi_measured, 0.35, 1e-12);
    EXPECT_NEAR(c->mean_x_bi_predicted, 0.3, 1e-12);
}

TEST(ProfileCompare, ThePredictionIsTheJournalsDepthAndPredictedComposition) {
    auto sample = [](double depth_m, double x) {
        journal::JournalSample s;
        s.depth_m = depth_m;
        s.x_bi_predicted = x;
        return s;
    };
    const std::vector<journal::JournalSample> samples{
        sample(0.0, 0.7),     // priming: no depth yet
        sample(0.0, 0.52),    // the last sample before the current starts
        sample(10e-9, 0.5),   //
        sample(10e-9, 0.49),  // a hold: no new depth, dropped
        sample(20e-9, 0.45),  //
        sample(30e-9, 0.4),
    };
    const auto p = predicted_profile(samples);
    ASSERT_EQ(p.points.size(), 4U);
    EXPECT_DOUBLE_EQ(p.points[0].depth_m, 0.0);
    EXPECT_DOUBLE_EQ(p.points[0].x_bi, 0.52);
    EXPECT_DOUBLE_EQ(p.points[1].x_bi, 0.5);
    EXPECT_DOUBLE_EQ(p.points[2].depth_m, 20e-9);
    EXPECT_DOUBLE_EQ(p.points[3].depth_m, 30e-9);
    EXPECT_TRUE(predicted_profile(std::span(samples).first(2)).points.empty());
}

TEST(ProfileCompare, NothingToCompareWithoutADepositionRecordOrAMeasuredExtent) {
    const auto measured = profile({{0.0, 0.5}, {100e-9, 0.4}});
    auto no_run = compare_profiles(measured, graded, DepthProfile{});
    ASSERT_FALSE(no_run);
    EXPECT_EQ(no_run.error().code, "nothing_to_compare");
    auto flat = compare_profiles(profile({{0.0, 0.5}}), graded, measured);
    ASSERT_FALSE(flat);
    EXPECT_EQ(flat.error().code, "nothing_to_compare");
    EXPECT_FALSE(compare_profiles(measured, {}, measured));
}

}  // namespace
}  // namespace edc::calibration
