#include "drivers/sim/sim_cell.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "drivers/sim/sim_host.hpp"

namespace edc::sim {
namespace {

constexpr double faraday = 96485.332;

TEST(SimCell, ConstantCurrentWithoutFeedDepositsFaradaysMoles) {
    SimCell cell(paper_cell_params());
    cell.set_drive({true, -5.7e-3, 10.0});
    cell.advance(200.0);
    // eta I t / (z F) = 0.725 * 5.7 mA * 200 s / (3 F)
    const double expected_mol = 0.725 * 5.7e-3 * 200.0 / (3.0 * faraday);
    EXPECT_NEAR(cell.deposited_metal_mol(), expected_mol, expected_mol * 1e-9);
    EXPECT_NEAR(cell.cathodic_charge_c(), 1.14, 1e-9);
    // Bath loses exactly what the film gained.
    EXPECT_NEAR(cell.bath().n_bi_mol + cell.bath().n_sb_mol, 2e-3 - expected_mol, 1e-12);
}

TEST(SimCell, FilmThicknessMatchesThePapersFilm) {
    SimCell cell(paper_cell_params());
    cell.set_drive({true, -5.7e-3, 10.0});
    cell.advance(200.0);
    // Hand calculation for x ~ 0.5: n = 2.856 umol, Vm = 0.5*21.3 + 0.5*18.2 = 19.75 cm3/mol,
    // h = n Vm / (A p) = 2.856e-6 * 19.75e-6 / (1e-4 * 0.868) = 650 nm.
    const double n = 0.725 * 5.7e-3 * 200.0 / (3.0 * faraday);
    EXPECT_NEAR(cell.thickness_m(), n * 19.75e-6 / (1e-4 * 0.868), 2e-9);
    EXPECT_GT(cell.layers().size(), 600U);  // 1 nm layers
}

TEST(SimCell, AnodicCurrentDepositsNothing) {
    SimCell cell(paper_cell_params());
    cell.set_drive({true, +1e-3, 10.0});
    cell.advance(10.0);
    EXPECT_EQ(cell.deposited_metal_mol(), 0.0);
}

TEST(SimCell, FeedOfBDilutesBismuthAsTheMassBalanceSays) {
    SimCell cell(paper_cell_params());
    const double q = 10e-6 / 60.0;  // 10 mL/min for 60 s = 10 mL
    cell.set_feed_motor_rate(q);
    cell.advance(60.0);
    cell.set_feed_motor_rate(0.0);
    cell.advance(30.0);  // the lagged flow settles; a first-order lag delivers the same total
    const double w = 10e-6;
    EXPECT_NEAR(cell.fed_volume_m3(), w, w * 1e-6);
    // ratio = n_Bi / (n_Sb + cB_Sb W) with 1 mmol each and cB_Sb = 50 mol/m3
    EXPECT_NEAR(cell.bath().ratio(), 1e-3 / (1e-3 + 50.0 * w), 1e-6);
    EXPECT_NEAR(cell.bath().volume_m3, 30e-6, 1e-11);
}

TEST(SimCell, DeliveredFlowLagsTheMotorByOneSecond) {
    SimCell cell(paper_cell_params());
    cell.set_feed_motor_rate(1e-7);
    cell.advance(1.0);
    EXPECT_NEAR(cell.delivered_flow_m3_per_s(), 1e-7 * (1.0 - std::exp(-1.0)), 1e-12);
}

TEST(SimCell, ElectrodeConcentrationFollowsTheBulkWithTheMixingTime) {
    ElectrodeKinetics k;
    k.pump_lag_s = 1e-3;
    SimCell cell(paper_cell_params(), k);
    cell.set_feed_motor_rate(60e-6 / 60.0);  // a quick 10 mL bolus
    cell.advance(10.0);
    cell.set_feed_motor_rate(0.0);
    cell.advance(0.1);
    const double bulk = cell.bath().concentrations().bi_mol_per_m3;
    const double gap0 = cell.electrode_concentrations().bi_mol_per_m3 - bulk;
    cell.advance(3.0);  // one mixing time constant
    const double gap1 = cell.electrode_concentrations().bi_mol_per_m3 - bulk;
    EXPECT_GT(gap0, 1.0);
    EXPECT_NEAR(gap1 / gap0, std::exp(-1.0), 1e-3);
}

TEST(SimCell, DepositCompositionFollowsTheCoDepositionLaw) {
    auto p = paper_cell_params();
    p.chemistry.bath_a = {25.0, 50.0};  // R = 0.5, k = 1: x = 0.5/1.5
    SimCell cell(p);
    cell.set_drive({true, -5.7e-3, 10.0});
    cell.advance(20.0);
    const auto layers = cell.layers();
    ASSERT_FALSE(layers.empty());
    EXPECT_NEAR(layers.front().x_bi, 1.0 / 3.0, 1e-4);
}

TEST(SimCell, PotentialFallsWithCathodicCurrentAndWithBismuthDepletion) {
    SimCell cell(paper_cell_params());
    EXPECT_LT(cell.potential_at(-5e-3), cell.potential_at(-1e-3));
    EXPECT_LT(cell.potential_at(-1e-3), cell.equilibrium_potential_v());
    const double before = cell.equilibrium_potential_v();
    cell.set_feed_motor_rate(100e-6 / 60.0);
    cell.advance(60.0);
    EXPECT_LT(cell.equilibrium_potential_v(), before);  // towards the Sb couple
}

TEST(SimCell, ComplianceCapsTheVoltageAndTheCurrent) {
    SimCell cell(paper_cell_params());
    cell.set_drive({true, -5.7e-3, 10.0});
    EXPECT_FALSE(cell.reading().limited);
    cell.set_extra_resistance(1e5);  // 5.7 mA would need 570 V
    const auto r = cell.reading();
    EXPECT_TRUE(r.limited);
    EXPECT_NEAR(r.potential_v, -10.0, 1e-6);
    EXPECT_NEAR(r.current_a, -10.0 / 1e5, 1e-5);  // almost all of the 10 V drops across the resistance
}

TEST(SimCell, CurrentNoiseHasTheConfiguredRmsAndRepeatsWithTheSeed) {
    ElectrodeKinetics k;
    k.current_noise_rel = 0.01;
    SimCell a(paper_cell_params(), k);
    SimCell b(paper_cell_params(), k);
    a.set_drive({true, -5e-3, 10.0});
    b.set_drive({true, -5e-3, 10.0});
    double sum = 0.0;
    double sum2 = 0.0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
        a.advance(0.01);
        b.advance(0.01);
        const double rel = a.reading().current_a / -5e-3 - 1.0;
        ASSERT_EQ(a.reading().current_a, b.reading().current_a);
        sum += rel;
        sum2 += rel * rel;
    }
    const double mean = sum / n;
    EXPECT_NEAR(mean, 0.0, 5 * 0.01 / std::sqrt(n));
    EXPECT_NEAR(std::sqrt(sum2 / n - mean * mean), 0.01, 0.0005);
    // Faraday still holds on the charge that actually passed.
    EXPECT_NEAR(a.deposited_metal_mol(), 0.725 * a.cathodic_charge_c() / (3.0 * faraday), 1e-15);
}

}  // namespace
}  // namespace edc::sim
