// The simulated plant's chemistry against closed forms worked by hand (design.md section 2);
// no expected value comes from control/model or from the plant's own functions.
#include "drivers/sim/plant_chemistry.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "drivers/sim/sim_cell.hpp"

namespace edc::sim {
namespace {

constexpr double faraday = 96485.332;

PlantChemistry plant_k(double k) {
    PlantChemistry p;
    p.selectivity = {{1.0, k}};
    return p;
}

TEST(PlantChemistry, ConstantKGivesTheCoDepositionLawsComposition) {
    const auto p = plant_k(1.25);
    // x/(1-x) = 1.25 * 25/50 = 0.625  ->  x = 0.625 / 1.625
    EXPECT_NEAR(plant_film_x_bi(p, 25.0, 50.0), 0.625 / 1.625, 1e-15);
    EXPECT_EQ(plant_film_x_bi(p, 0.0, 50.0), 0.0);
    EXPECT_EQ(plant_film_x_bi(p, 10.0, 0.0), 1.0);
}

TEST(PlantChemistry, SelectivityTableInterpolatesLinearlyAndHoldsFlatBeyondTheEnds) {
    PlantChemistry p;
    p.selectivity = {{0.1, 1.4}, {0.5, 1.2}, {1.0, 1.0}};
    EXPECT_DOUBLE_EQ(plant_selectivity(p, 0.01), 1.4);
    EXPECT_DOUBLE_EQ(plant_selectivity(p, 0.3), 1.3);
    EXPECT_DOUBLE_EQ(plant_selectivity(p, 0.75), 1.1);
    EXPECT_DOUBLE_EQ(plant_selectivity(p, 5.0), 1.0);
    // R = 0.3: x/(1-x) = 1.3 * 0.3 = 0.39
    EXPECT_NEAR(plant_film_x_bi(p, 15.0, 50.0), 0.39 / 1.39, 1e-14);
}

TEST(PlantChemistry, ConstantBathDepositsAtTheCoDepositionLaw) {
    auto p = plant_k(1.25);
    p.a_bi_mol_per_m3 = 25.0;
    p.a_sb_mol_per_m3 = 50.0;
    p.initial_volume_m3 = 1.0;  // a cubic metre: consumption leaves the bath as it was
    SimCell cell(p);
    cell.set_drive({true, -5.7e-3, 10.0});
    cell.advance(20.0);
    const auto layers = cell.layers();
    ASSERT_GT(layers.size(), 10U);
    for (const auto& l : layers) ASSERT_NEAR(l.x_bi / (1.0 - l.x_bi), 1.25 * 25.0 / 50.0, 1e-6);
}

TEST(PlantChemistry, GrowingCellWithoutCurrentDilutesBismuthAsC0V0OverV) {
    PlantChemistry p;  // A 50/50 mM, B 0/50 mM, 20 mL
    PlantBath bath(p);
    const double q = 0.5e-6;  // 30 mL/min for 60 s: 30 mL
    for (int i = 0; i < 600; ++i) bath.advance(0.1, q, 0.0);
    EXPECT_NEAR(bath.volume_m3(), 50e-6, 1e-15);
    EXPECT_NEAR(bath.bulk_bi_mol_per_m3(), 50.0 * 20.0 / 50.0, 1e-9);
    EXPECT_NEAR(bath.bulk_sb_mol_per_m3(), 50.0, 1e-9);  // A and B share c_Sb
}

TEST(PlantChemistry, OverflowCellWashesOutExponentially) {
    PlantChemistry p;
    p.mode = PlantCellMode::overflow;
    p.a_sb_mol_per_m3 = 20.0;
    PlantBath bath(p);
    const double q = 1e-6 / 6.0;  // 10 mL/min for 120 s: W = 20 mL = V
    for (int i = 0; i < 1200; ++i) bath.advance(0.1, q, 0.0);
    EXPECT_NEAR(bath.volume_m3(), 20e-6, 1e-18);
    EXPECT_NEAR(bath.bulk_bi_mol_per_m3(), 50.0 * std::exp(-1.0), 1e-8);
    EXPECT_NEAR(bath.bulk_sb_mol_per_m3(), 50.0 + (20.0 - 50.0) * std::exp(-1.0), 1e-8);
}

TEST(PlantChemistry, PouredBolusMixesAtOnce) {
    PlantChemistry grow;
    PlantBath g(grow);
    g.pour(5e-6);
    EXPECT_NEAR(g.bulk_bi_mol_per_m3(), 50.0 * 20.0 / 25.0, 1e-12);
    EXPECT_NEAR(g.electrode_bi_mol_per_m3(), 40.0, 1e-12);
    PlantChemistry over;
    over.mode = PlantCellMode::overflow;
    PlantBath o(over);
    o.pour(10e-6);
    EXPECT_NEAR(o.bulk_bi_mol_per_m3(), 50.0 * std::exp(-0.5), 1e-12);
    EXPECT_NEAR(o.volume_m3(), 20e-6, 1e-18);
}

TEST(PlantChemistry, MetalFollowsFaradayWithThePlantsEfficiency) {
    PlantChemistry p;
    p.current_efficiency = 0.68;
    SimCell cell(p);
    cell.set_drive({true, -5.7e-3, 10.0});
    cell.advance(100.0);
    const double expected = 0.68 * 0.57 / (3.0 * faraday);  // eta Q / (z F), Q = 0.57 C
    EXPECT_NEAR(cell.deposited_metal_mol(), expected, expected * 1e-9);
    // The bath loses what the film gains: 2 mmol of ions to start.
    const auto b = cell.bath();
    EXPECT_NEAR(b.n_bi_mol + b.n_sb_mol, 2e-3 - expected, 1e-12);
}

TEST(PlantChemistry, ThicknessIsTheSumOfEachLayersMolesTimesVegardVolumeOverAreaAndPacking) {
    PlantChemistry p;
    p.packing_fraction = 0.8;
    p.electrode_area_m2 = 2e-4;
    SimCell cell(p);
    cell.set_drive({true, -11.4e-3, 10.0});
    cell.set_feed_motor_rate(20e-6 / 60.0);  // composition falls as it grows
    cell.advance(100.0);
    double h = 0.0;
    for (const auto& l : cell.layers()) {
        const double vm = l.x_bi * 21.3e-6 + (1.0 - l.x_bi) * 18.2e-6;
        h += l.metal_mol * vm / (2e-4 * 0.8);
    }
    EXPECT_GT(h, 100e-9);
    EXPECT_NEAR(cell.thickness_m(), h, h * 1e-12);
    EXPECT_LT(cell.layers().back().x_bi, cell.layers().front().x_bi - 0.05);
}

TEST(PlantChemistry, TrueBoreScalesWhatReachesTheCellNotWhatThePumpCounts) {
    PlantChemistry p;
    p.syringe_diameter_m = 27.0e-3;
    SimCell cell(p);
    const double told = 26.59e-3;
    cell.set_feed_motor_rate(10e-6 / 60.0, told);  // the pump believes 10 mL/min
    cell.advance(60.0);
    cell.set_feed_motor_rate(0.0, told);
    cell.advance(30.0);
    const double scale = (27.0 / 26.59) * (27.0 / 26.59);
    EXPECT_NEAR(cell.fed_volume_m3(), 10e-6 * scale, 1e-11);
    EXPECT_NEAR(cell.bath().volume_m3, 20e-6 + 10e-6 * scale, 1e-11);
}

}  // namespace
}  // namespace edc::sim
