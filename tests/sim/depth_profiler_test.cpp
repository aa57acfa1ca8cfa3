#include "drivers/sim/depth_profiler.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace edc::sim {
namespace {

// `count` layers of `thickness_nm` each at composition x (a hand-built deposit).
void add_layers(std::vector<DepositLayer>& layers, int count, double thickness_nm, double x) {
    for (int i = 0; i < count; ++i) layers.push_back({1e-9, x, thickness_nm * 1e-9, 0.0});
}

DepthProfilerSettings exact() {
    return {.step_m = 10e-9, .resolution_m = 0.0, .noise_x_bi = 0.0, .seed = 1};
}

TEST(DepthProfiler, ExactSettingsReproduceAHandBuiltStepDeposit) {
    std::vector<DepositLayer> layers;
    add_layers(layers, 23, 5.0, 0.5);  // 0 .. 115 nm
    add_layers(layers, 20, 5.0, 0.2);  // 115 .. 215 nm
    const auto points = measure_depth_profile(layers, exact());
    ASSERT_EQ(points.size(), 23U);  // 0, 10, ..., 210 and the top at 215
    for (std::size_t i = 0; i < 22; ++i) {
        const double depth_nm = 10.0 * static_cast<double>(i);
        EXPECT_NEAR(points[i].depth_m, depth_nm * 1e-9, 1e-15);
        EXPECT_EQ(points[i].x_bi, depth_nm < 115.0 ? 0.5 : 0.2) << "at " << depth_nm << " nm";
    }
    EXPECT_NEAR(points.back().depth_m, 215e-9, 1e-15);
    EXPECT_EQ(points.back().x_bi, 0.2);
}

TEST(DepthProfiler, CsvHasTheInstrumentHeaderAndOnePointEveryTenNanometres) {
    std::vector<DepositLayer> layers;
    add_layers(layers, 1, 12.0, 0.5);
    add_layers(layers, 1, 13.0, 0.25);
    const auto points = measure_depth_profile(layers, exact());
    EXPECT_EQ(depth_profile_csv(points),
              "depth_nm,x_bi\n0,0.500000\n10,0.500000\n20,0.250000\n25,0.250000\n");
}

TEST(DepthProfiler, GridEndingOnTheTopAddsNoExtraPoint) {
    std::vector<DepositLayer> layers;
    add_layers(layers, 4, 10.0, 0.3);
    const auto points = measure_depth_profile(layers, exact());
    ASSERT_EQ(points.size(), 5U);
    EXPECT_NEAR(points.back().depth_m, 40e-9, 1e-15);
}

TEST(DepthProfiler, NoDepositMeasuresNothing) {
    EXPECT_TRUE(measure_depth_profile({}, exact()).empty());
}

// Far from the film's ends the kernel lies inside the film, so the blurred step is the closed
// form x_top + (x_bottom - x_top) * P(Z < (h - d) / sigma) with P from erfc.
TEST(DepthProfiler, BlurOfAStepFollowsTheErfShape) {
    std::vector<DepositLayer> layers;
    add_layers(layers, 1000, 1.0, 0.6);  // 0 .. 1000 nm
    add_layers(layers, 1000, 1.0, 0.2);  // 1000 .. 2000 nm
    DepthProfilerSettings s = exact();
    s.resolution_m = 30e-9;
    const auto points = measure_depth_profile(layers, s);
    ASSERT_EQ(points.size(), 201U);
    int checked = 0;
    for (const auto& p : points) {
        const double d_nm = p.depth_m * 1e9;
        if (d_nm < 400.0 || d_nm > 1600.0) continue;
        const double below = 0.5 * std::erfc((d_nm - 1000.0) / (30.0 * std::sqrt(2.0)));
        EXPECT_NEAR(p.x_bi, 0.2 + 0.4 * below, 1e-9) << "at " << d_nm << " nm";
        ++checked;
    }
    EXPECT_EQ(checked, 121);
    // The 16 %-84 % width of an erf edge is 2 sigma: 970 nm and 1030 nm straddle it.
    EXPECT_GT(points[97].x_bi, 0.2 + 0.4 * 0.8);
    EXPECT_LT(points[103].x_bi, 0.2 + 0.4 * 0.2);
}

// At the film's ends the kernel is renormalised over the film: a uniform film reads uniform
// all the way to the substrate and the top (without renormalisation the ends would read half).
TEST(DepthProfiler, UniformFilmReadsUniformUpToBothEnds) {
    std::vector<DepositLayer> layers;
    add_layers(layers, 300, 1.0, 0.3);
    DepthProfilerSettings s = exact();
    s.resolution_m = 30e-9;
    for (const auto& p : measure_depth_profile(layers, s)) EXPECT_NEAR(p.x_bi, 0.3, 1e-12);
}

// Near the substrate, checked against a trapezoidal quadrature of the kernel over the film.
TEST(DepthProfiler, BlurNearTheSubstrateMatchesQuadratureOverTheFilm) {
    std::vector<DepositLayer> layers;
    add_layers(layers, 40, 1.0, 0.6);   // 0 .. 40 nm
    add_layers(layers, 460, 1.0, 0.2);  // 40 .. 500 nm
    DepthProfilerSettings s = exact();
    s.resolution_m = 30e-9;
    const auto points = measure_depth_profile(layers, s);
    for (int i = 0; i < 6; ++i) {
        const double d = 10.0 * i;  // nm
        double num = 0.0;
        double den = 0.0;
        constexpr int steps = 100000;  // 0.005 nm
        for (int k = 0; k <= steps; ++k) {
            const double z = 500.0 * k / steps;
            const double edge = (k == 0 || k == steps) ? 0.5 : 1.0;
            const double g = edge * std::exp(-0.5 * (z - d) * (z - d) / (30.0 * 30.0));
            num += g * (z < 40.0 ? 0.6 : 0.2);
            den += g;
        }
        EXPECT_NEAR(points[static_cast<std::size_t>(i)].x_bi, num / den, 2e-5) << "at " << d << " nm";
    }
}

TEST(DepthProfiler, NoiseHasTheRequestedSpreadAndRepeatsForOneSeed) {
    std::vector<DepositLayer> layers;
    add_layers(layers, 1000, 10.0, 0.5);  // 10 um: 1001 points
    DepthProfilerSettings s = exact();
    s.noise_x_bi = 0.01;
    s.seed = 7;
    const auto a = measure_depth_profile(layers, s);
    ASSERT_EQ(a.size(), 1001U);
    double sum = 0.0;
    double sum_sq = 0.0;
    for (const auto& p : a) {
        sum += p.x_bi - 0.5;
        sum_sq += (p.x_bi - 0.5) * (p.x_bi - 0.5);
    }
    const auto n = static_cast<double>(a.size());
    const double mean = sum / n;
    const double sd = std::sqrt(sum_sq / n - mean * mean);
    EXPECT_LT(std::fabs(mean), 4.0 * 0.01 / std::sqrt(n));  // 4 standard errors
    EXPECT_NEAR(sd, 0.01, 0.001);  // the estimate's own spread is 0.01 / sqrt(2 n) = 0.00022

    const auto again = measure_depth_profile(layers, s);
    s.seed = 8;
    const auto other = measure_depth_profile(layers, s);
    int same_seed_equal = 0;
    int other_seed_equal = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        same_seed_equal += a[i].x_bi == again[i].x_bi ? 1 : 0;
        other_seed_equal += a[i].x_bi == other[i].x_bi ? 1 : 0;
    }
    EXPECT_EQ(same_seed_equal, 1001);
    EXPECT_LT(other_seed_equal, 10);
}

TEST(DepthProfiler, NoisyReadingsAreClippedToZeroOne) {
    std::vector<DepositLayer> layers;
    add_layers(layers, 100, 10.0, 0.995);
    add_layers(layers, 100, 10.0, 0.005);
    DepthProfilerSettings s = exact();
    s.noise_x_bi = 0.01;
    int at_one = 0;
    int at_zero = 0;
    for (const auto& p : measure_depth_profile(layers, s)) {
        EXPECT_GE(p.x_bi, 0.0);
        EXPECT_LE(p.x_bi, 1.0);
        at_one += p.x_bi == 1.0 ? 1 : 0;
        at_zero += p.x_bi == 0.0 ? 1 : 0;
    }
    // P(noise > 0.5 sigma) = 31 %: about 31 of each 100.
    EXPECT_GT(at_one, 10);
    EXPECT_GT(at_zero, 10);
}

TEST(DepthProfiler, WritesTheCsvFileAndNamesAPathItCannotWrite) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("edc_depth_profiler_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = (dir / "film.csv").string();
    const std::vector<MeasuredPoint> points{{0.0, 0.5}, {10e-9, 0.25}};
    ASSERT_TRUE(write_depth_profile_csv(path, points));
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), "depth_nm,x_bi\n0,0.500000\n10,0.250000\n");
    std::filesystem::remove_all(dir);

    const auto bad = write_depth_profile_csv("/nonexistent-dir/edc/film.csv", points);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, "measure_write_failed");
    EXPECT_EQ(bad.error().where, "/nonexistent-dir/edc/film.csv");
}

}  // namespace
}  // namespace edc::sim
