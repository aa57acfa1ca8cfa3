// The one scoring function of simulated films, on layer lists built by hand.
#include "drivers/sim/deposit_score.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace edc::sim {
namespace {

DepositLayer layer(double mol, double x, double h) {
    return {mol, x, h, 0.0};
}

TEST(DepositScore, BinsTheTrueFilmByDepthFractionAndComparesWithTheTargetAtTheSameFraction) {
    // Four 1 nm layers: x 0.5, 0.5, 0.3, 0.3; two bins of 2 nm each.
    const std::vector<DepositLayer> layers{layer(1e-9, 0.5, 1e-9), layer(1e-9, 0.5, 1e-9),
                                           layer(1e-9, 0.3, 1e-9), layer(1e-9, 0.3, 1e-9)};
    // Target 0.52 on the bottom half, 0.27 on the top half.
    const auto s = score_deposit(
        layers, [](double f) { return f < 0.5 ? 0.52 : 0.27; }, 2);
    ASSERT_EQ(s.bins.size(), 2U);
    EXPECT_DOUBLE_EQ(s.bins[0].fraction, 0.25);
    EXPECT_NEAR(s.bins[0].height_m, 1e-9, 1e-24);
    EXPECT_NEAR(s.bins[0].x_deposited, 0.5, 1e-15);
    EXPECT_NEAR(s.bins[1].x_deposited, 0.3, 1e-15);
    EXPECT_NEAR(s.rms_x_bi, std::sqrt((0.02 * 0.02 + 0.03 * 0.03) / 2.0), 1e-15);
    EXPECT_NEAR(s.max_abs_x_bi, 0.03, 1e-15);
    EXPECT_NEAR(s.thickness_m, 4e-9, 1e-24);
    EXPECT_NEAR(s.mean_x_bi, 0.4, 1e-15);
}

TEST(DepositScore, SplitsALayerAcrossABinEdgeByThickness) {
    // 3 nm in two bins of 1.5 nm: the middle layer is half in each.
    const std::vector<DepositLayer> layers{layer(2e-9, 0.6, 1e-9), layer(2e-9, 0.4, 1e-9),
                                           layer(2e-9, 0.2, 1e-9)};
    const auto s = score_deposit(
        layers, [](double) { return 0.0; }, 2);
    ASSERT_EQ(s.bins.size(), 2U);
    EXPECT_NEAR(s.bins[0].x_deposited, (2.0 * 0.6 + 1.0 * 0.4) / 3.0, 1e-14);
    EXPECT_NEAR(s.bins[1].x_deposited, (1.0 * 0.4 + 2.0 * 0.2) / 3.0, 1e-14);
}

TEST(DepositScore, AThinnerFilmIsJudgedOverItsOwnDepthFraction) {
    // The same composition sequence at half the thickness scores the same.
    std::vector<DepositLayer> thick;
    std::vector<DepositLayer> thin;
    for (int i = 0; i < 100; ++i) {
        const double x = 0.5 - 0.003 * i;
        thick.push_back(layer(1e-9, x, 2e-9));
        thin.push_back(layer(0.5e-9, x, 1e-9));
    }
    const auto target = [](double f) { return 0.5 - 0.3 * f; };
    const auto a = score_deposit(thick, target, 50);
    const auto b = score_deposit(thin, target, 50);
    EXPECT_NEAR(a.rms_x_bi, b.rms_x_bi, 1e-12);
    EXPECT_LT(a.rms_x_bi, 0.002);
    EXPECT_NEAR(b.thickness_m, 100e-9, 1e-20);
}

TEST(DepositScore, FilmUpToAChargeCutsTheLastLayerInProportion) {
    const std::vector<DepositLayer> layers{{1e-9, 0.5, 1e-9, 0.1}, {1e-9, 0.4, 1e-9, 0.1}, {1e-9, 0.3, 1e-9, 0.1}};
    const auto cut = layers_up_to_charge(layers, 0.125);
    ASSERT_EQ(cut.size(), 2U);
    EXPECT_NEAR(cut[1].metal_mol, 0.25e-9, 1e-24);
    EXPECT_NEAR(cut[1].thickness_m, 0.25e-9, 1e-24);
    EXPECT_NEAR(cut[1].charge_c, 0.025, 1e-15);
    EXPECT_EQ(layers_up_to_charge(layers, 1.0).size(), 3U);
}

TEST(DepositScore, NoLayersScoreNothing) {
    const auto s = score_deposit({}, [](double) { return 0.5; });
    EXPECT_TRUE(s.bins.empty());
    EXPECT_EQ(s.thickness_m, 0.0);
}

}  // namespace
}  // namespace edc::sim
