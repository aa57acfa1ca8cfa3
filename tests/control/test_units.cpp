// Every conversion in control/model/units.hpp against a hand-computed value.
#include <gtest/gtest.h>

#include "control/model/units.hpp"

namespace u = edc::units;

TEST(Units, FlowRatesConvertBetweenLabUnitsAndSi) {
    // 60 mL/min = 1 mL/s = 1e-6 m3/s
    EXPECT_DOUBLE_EQ(u::ml_per_min_to_m3_per_s(60.0), 1e-6);
    EXPECT_DOUBLE_EQ(u::m3_per_s_to_ml_per_min(1e-6), 60.0);
    // 60 uL/min = 1 uL/s = 1e-9 m3/s
    EXPECT_DOUBLE_EQ(u::ul_per_min_to_m3_per_s(60.0), 1e-9);
    EXPECT_DOUBLE_EQ(u::m3_per_s_to_ul_per_min(1e-9), 60.0);
    // 3.6 mL/h = 1 uL/s = 1e-9 m3/s
    EXPECT_NEAR(u::ml_per_h_to_m3_per_s(3.6), 1e-9, 1e-24);
    EXPECT_NEAR(u::m3_per_s_to_ml_per_h(1e-9), 3.6, 1e-12);
    // 3600 uL/h = 1 uL/s
    EXPECT_NEAR(u::ul_per_h_to_m3_per_s(3600.0), 1e-9, 1e-24);
    EXPECT_NEAR(u::m3_per_s_to_ul_per_h(1e-9), 3600.0, 1e-9);
}

TEST(Units, VolumesConvertBetweenLabUnitsAndSi) {
    EXPECT_DOUBLE_EQ(u::ml_to_m3(20.0), 2e-5);
    EXPECT_DOUBLE_EQ(u::m3_to_ml(2e-5), 20.0);
    EXPECT_DOUBLE_EQ(u::ul_to_m3(1.0), 1e-9);
    EXPECT_DOUBLE_EQ(u::m3_to_ul(1e-9), 1.0);
    EXPECT_DOUBLE_EQ(u::m3_per_l, 1e-3);
    EXPECT_DOUBLE_EQ(u::mol_per_m3_per_mm, 1.0);  // 1 mmol/L = 1 mol/m3
}

TEST(Units, CurrentDensityAreaLengthAndMassConvert) {
    // 5.7 mA/cm2 = 5.7e-3 A / 1e-4 m2 = 57 A/m2
    EXPECT_DOUBLE_EQ(u::ma_per_cm2_to_a_per_m2(5.7), 57.0);
    EXPECT_DOUBLE_EQ(u::a_per_m2_to_ma_per_cm2(57.0), 5.7);
    EXPECT_DOUBLE_EQ(u::cm2_to_m2(100.0), 1e-2);
    EXPECT_DOUBLE_EQ(u::m2_to_cm2(1e-2), 100.0);
    EXPECT_DOUBLE_EQ(u::nm_to_m(631.0), 631e-9);
    EXPECT_DOUBLE_EQ(u::m_to_nm(631e-9), 631.0);
    EXPECT_DOUBLE_EQ(u::mm_to_m(0.1), 1e-4);
    // 0.43 mg/cm2 = 0.43e-6 kg / 1e-4 m2 = 4.3e-3 kg/m2
    EXPECT_DOUBLE_EQ(u::kg_per_m2_to_mg_per_cm2(4.3e-3), 0.43);
    EXPECT_DOUBLE_EQ(u::kg_per_mg, 1e-6);
    // 1.14 C/cm2 = 11400 C/m2
    EXPECT_DOUBLE_EQ(u::c_per_cm2_to_c_per_m2(1.14), 11400.0);
    EXPECT_DOUBLE_EQ(u::c_per_m2_to_c_per_cm2(11400.0), 1.14);
}

TEST(Units, FaradayConstantIsCodata) {
    EXPECT_DOUBLE_EQ(u::faraday_c_per_mol, 96485.332);
}
