// Cell model against the paper's numbers (design.md section 1), computed by hand.
#include <gtest/gtest.h>

#include <array>

#include "control/model/cell_model.hpp"
#include "control/model/units.hpp"

using namespace edc;
using namespace edc::model;

namespace {

CellParams paper_cell(double efficiency, double packing) {
    CellParams p;
    p.chemistry.current_efficiency = efficiency;
    p.chemistry.packing_fraction = packing;
    p.cell.electrode_area_m2 = units::cm2_to_m2(1.0);
    return p;
}

constexpr double paper_charge_c = 5.7e-3 * 200.0;  // 5.7 mA on 1 cm2 for 200 s

}  // namespace

TEST(CellModel, PaperChargeIs1p14CoulombPerCm2) {
    EXPECT_NEAR(units::c_per_m2_to_c_per_cm2(units::ma_per_cm2_to_a_per_m2(5.7) * 200.0), 1.14, 1e-12);
}

TEST(CellModel, FullEfficiencyDeposits3p94MicromolAnd0p593MgPerCm2) {
    const auto p = paper_cell(1.0, 1.0);
    const double mol = metal_mol_per_coulomb(p.chemistry) * paper_charge_c;
    EXPECT_NEAR(mol * 1e6, 3.94, 0.005);  // 1.14 / (3 * 96485.332) = 3.938 umol
    const double mass = units::kg_per_m2_to_mg_per_cm2(areal_mass_kg_per_m2(p, mol, 1.0 / 3.0));
    // M(1/3) = 69.66 + 81.17 = 150.83 g/mol -> 0.594 mg
    EXPECT_NEAR(mass, 0.593, 0.002);
}

TEST(CellModel, EfficiencyOf0p725Gives0p43MgPerCm2) {
    const auto p = paper_cell(0.725, 1.0);
    const double mol = metal_rate_mol_per_s(p.chemistry, 5.7e-3) * 200.0;
    EXPECT_NEAR(units::kg_per_m2_to_mg_per_cm2(areal_mass_kg_per_m2(p, mol, 1.0 / 3.0)), 0.43, 0.002);
}

TEST(CellModel, PackingFraction0p868GivesAbout631NmAndDenseFilm549Nm) {
    const double x = 1.0 / 3.0;
    const double mol = 0.725 * paper_charge_c / (3.0 * 96485.332);  // 2.855 umol
    // Vm(1/3) = 7.1 + 12.133 = 19.233 cm3/mol -> 54.92 um3... per cm2: 2.855e-6 * 19.233 = 5.491e-5 cm3
    const double dense = units::m_to_nm(thickness_m(paper_cell(0.725, 1.0), mol, x));
    const double porous = units::m_to_nm(thickness_m(paper_cell(0.725, 0.868), mol, x));
    EXPECT_NEAR(dense, 549.0, 1.5);
    EXPECT_NEAR(porous, 632.6, 1.5);  // 549.1 / 0.868
    EXPECT_NEAR(porous, 631.0, 3.0);
}

TEST(CellModel, GrowthRateIsThicknessPerSecondOfDeposit) {
    const auto p = paper_cell(0.725, 0.868);
    const double r = metal_rate_mol_per_s(p.chemistry, 5.7e-3);
    EXPECT_NEAR(growth_rate_m_per_s(p, r, 1.0 / 3.0) * 200.0, thickness_m(p, r * 200.0, 1.0 / 3.0), 1e-15);
}

TEST(CellModel, SolidSolutionPointCalibratesSelectivityNearOne) {
    // 25 mM Bi / 50 mM Sb deposits 33 % Bi: k = (x/(1-x)) / R = (0.33/0.67)/0.5 = 0.985
    const double x = 0.33;
    const double ratio = 25.0 / 50.0;
    const double k = (x / (1.0 - x)) / ratio;
    EXPECT_NEAR(k, 0.985, 0.0005);
    const auto sel = Selectivity::constant(k);
    EXPECT_NEAR(film_x_bi(sel, Concentrations{25.0, 50.0}), 0.33, 1e-12);
    EXPECT_NEAR(sel.ratio_for_x(0.33), 0.5, 1e-12);
}

TEST(CellModel, CompositionFollowsCoDepositionLaw) {
    const auto sel = Selectivity::constant(1.0);
    EXPECT_DOUBLE_EQ(film_x_bi(sel, {50.0, 50.0}), 0.5);
    EXPECT_DOUBLE_EQ(film_x_bi(sel, {10.0, 40.0}), 0.2);  // R = 0.25 -> 0.25/1.25
    EXPECT_DOUBLE_EQ(film_x_bi(sel, {0.0, 40.0}), 0.0);
    EXPECT_DOUBLE_EQ(film_x_bi(sel, {5.0, 0.0}), 1.0);
}

TEST(CellModel, SelectivityTableInterpolatesAndInverts) {
    const std::array<SelectivityPoint, 3> pts{{{0.1, 0.8}, {0.5, 1.0}, {1.0, 1.2}}};
    const auto sel = Selectivity::table(pts);
    ASSERT_TRUE(sel.has_value());
    EXPECT_NEAR(sel->k_at(0.3), 0.9, 1e-12);
    EXPECT_NEAR(sel->k_at(0.01), 0.8, 1e-12);  // flat beyond the ends
    EXPECT_NEAR(sel->k_at(5.0), 1.2, 1e-12);
    // R = 0.3, k = 0.9: kR = 0.27, x = 0.27/1.27
    EXPECT_NEAR(sel->x_from_ratio(0.3), 0.27 / 1.27, 1e-12);
    EXPECT_NEAR(sel->ratio_for_x(0.27 / 1.27), 0.3, 1e-9);
}

TEST(CellModel, SelectivityTableRejectsUnsortedRatios) {
    const std::array<SelectivityPoint, 2> pts{{{0.5, 1.0}, {0.4, 1.0}}};
    const auto sel = Selectivity::table(pts);
    ASSERT_FALSE(sel.has_value());
    EXPECT_EQ(sel.error().code, "invalid_selectivity");
}

TEST(CellModel, VegardMolarVolumeAndLinearMolarMass) {
    const Chemistry c;
    EXPECT_NEAR(molar_volume_m3_per_mol(c, 0.5), 19.75e-6, 1e-15);
    EXPECT_NEAR(molar_mass_kg_per_mol(c, 0.5), 165.37e-3, 1e-12);
}

TEST(CellModel, GrowingModeMassBalanceAddsFeedAndRemovesDeposit) {
    CellParams p;
    p.cell.mode = CellMode::growing;
    const BathState s = initial_bath(p);  // 20 mL, 1 mmol each
    EXPECT_NEAR(s.n_bi_mol, 1e-3, 1e-15);
    const double q = 1e-7;  // m3/s
    const double r = 1e-8;  // mol/s
    const auto d = bath_rates(p, s, q, 0.4, r);
    EXPECT_DOUBLE_EQ(d.dvolume_m3_per_s, 1e-7);
    EXPECT_NEAR(d.dn_bi_mol_per_s, -0.4e-8, 1e-20);
    EXPECT_NEAR(d.dn_sb_mol_per_s, 1e-7 * 50.0 - 0.6e-8, 1e-20);
}

TEST(CellModel, OverflowModeKeepsVolumeAndWashesOutBath) {
    CellParams p;
    p.cell.mode = CellMode::overflow;
    BathState s = initial_bath(p);
    const auto d = bath_rates(p, s, 1e-7, 0.5, 0.0);
    EXPECT_DOUBLE_EQ(d.dvolume_m3_per_s, 0.0);
    EXPECT_NEAR(d.dn_bi_mol_per_s, -1e-7 * 50.0, 1e-20);  // Bi leaves at 50 mol/m3
    EXPECT_NEAR(d.dn_sb_mol_per_s, 0.0, 1e-20);           // Sb in = Sb out
    s = advance(s, d, 2.0);
    EXPECT_NEAR(s.n_bi_mol, 1e-3 - 1e-5, 1e-15);
    EXPECT_DOUBLE_EQ(s.volume_m3, 20e-6);
}
