// The fit against synthetic films computed here, independently of app/calibration and
// control/model: a growing cell with constant feed and current, its own mass balance (bath
// consumption included), first-order mixing lag and Vegard growth, integrated with small steps.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "app/calibration/chemistry_fit.hpp"
#include "app/calibration/forward_model.hpp"

namespace {

using edc::calibration::CalibrationDeposit;
using edc::calibration::DepthProfile;
using edc::calibration::FitInput;
using edc::calibration::MeasuredRun;
using edc::calibration::RecordedRun;

struct Truth {
    double k = 1.25;  // constant, or k(R) = k0 + slope * R when slope != 0
    double slope = 0.0;
    double efficiency = 0.68;
    double a_bi_mM = 50.0;
    double a_sb_mM = 50.0;
    double b_sb_mM = 50.0;
};

struct Synthetic {
    RecordedRun run;
    DepthProfile film;  // exact, a point every 10 nm
};

// 200 s at 5.7 mA on 1 cm2, B fed at a constant 20 mL/min into 20 mL of A (growing cell), mixing
// time 3 s, packing 0.868; journal samples every 0.5 s.
Synthetic make_run(const Truth& t) {
    constexpr double F = 96485.332;
    constexpr double current = 5.7e-3;
    constexpr double q = 20e-6 / 60.0;  // m3/s
    constexpr double duration = 200.0;
    constexpr double v0 = 20e-6;
    constexpr double area = 1e-4;
    constexpr double packing = 0.868;
    constexpr double tau = 3.0;
    Synthetic s;
    s.run.cell.cell.mode = edc::model::CellMode::growing;
    s.run.cell.cell.initial_volume_m3 = v0;
    s.run.cell.cell.max_volume_m3 = 150e-6;
    s.run.cell.cell.electrode_area_m2 = area;
    s.run.cell.cell.mixing_time_s = tau;
    s.run.cell.chemistry.packing_fraction = packing;
    s.run.cell.chemistry.bath_a = {50.0, 50.0};  // the recipe believes 50/50 ...
    s.run.cell.chemistry.feed_b = {0.0, t.b_sb_mM};
    s.run.cell.chemistry.current_efficiency = 0.725;
    s.run.cell.chemistry.selectivity = edc::model::Selectivity::constant(1.0);

    double bi = t.a_bi_mM * v0;  // mol (mM = mol/m3)
    double sb = t.a_sb_mM * v0;
    double r_electrode = bi / sb;
    double h = 0.0;
    double next_point = 0.0;
    const double dt = 1e-3;
    const double mol_rate = t.efficiency * current / (3.0 * F);
    for (int i = 0; i * dt < duration - 1e-12; ++i) {
        const double time = i * dt;
        if (i % 500 == 0) s.run.samples.push_back({time, current, q * time});
        const double k = t.k + t.slope * r_electrode;
        const double x = k * r_electrode / (1.0 + k * r_electrode);
        if (h >= next_point) {
            s.film.points.push_back({next_point, x});
            next_point += 10e-9;
        }
        bi -= x * mol_rate * dt;
        sb -= (1.0 - x) * mol_rate * dt - q * dt * t.b_sb_mM;
        r_electrode += (bi / sb - r_electrode) * (1.0 - std::exp(-dt / tau));
        h += mol_rate * (x * 21.3e-6 + (1.0 - x) * 18.2e-6) / (area * packing) * dt;
    }
    s.run.samples.push_back({duration, current, q * duration});
    s.film.points.push_back({h, s.film.points.back().x_bi});
    return s;
}

FitInput input_for(const Synthetic& s) {
    FitInput in;
    in.runs.push_back(MeasuredRun{s.run, s.film, std::nullopt});
    in.start = s.run.cell.chemistry;
    in.resolution_m = 0.0;
    return in;
}

TEST(CalibrationFit, RecoversConstantSelectivityAndEfficiencyFromOneExactGradedFilm) {
    const Truth truth;
    const auto fit = edc::calibration::fit_chemistry(input_for(make_run(truth)));
    ASSERT_TRUE(fit) << fit.error().message;
    EXPECT_NEAR(fit->k, 1.25, 0.005);
    EXPECT_LT(fit->k_ci95.lo, fit->k);
    EXPECT_GT(fit->k_ci95.hi, fit->k);
    ASSERT_TRUE(fit->efficiency.has_value());
    // Exact data: AIC may prefer a table, which trades a little depth scale for shape.
    EXPECT_NEAR(*fit->efficiency, 0.68, 0.01);
    EXPECT_LT(fit->residual_rms, 0.002);
}

TEST(CalibrationFit, NoisyProfileOfAConstantSelectivityKeepsTheConstantModel) {
    auto s = make_run(Truth{});
    unsigned state = 12345U;  // a fixed LCG: sums of 12 uniforms, sigma 0.01
    for (auto& p : s.film.points) {
        double sum = 0.0;
        for (int i = 0; i < 12; ++i) {
            state = state * 1664525U + 1013904223U;
            sum += static_cast<double>(state) / 4294967296.0;
        }
        p.x_bi += 0.01 * (sum - 6.0);
    }
    const auto fit = edc::calibration::fit_chemistry(input_for(s));
    ASSERT_TRUE(fit) << fit.error().message;
    EXPECT_FALSE(fit->table) << "AIC constant " << fit->aic_constant << " table "
                             << fit->aic_table.value_or(0.0);
    EXPECT_NEAR(fit->k, 1.25, 0.025);
    EXPECT_LT(fit->k_ci95.lo, 1.25);
    EXPECT_GT(fit->k_ci95.hi, 1.25);
    EXPECT_NEAR(fit->residual_rms, 0.01, 0.002);
    ASSERT_TRUE(fit->efficiency.has_value());
    EXPECT_NEAR(*fit->efficiency, 0.68, 0.01);
    EXPECT_LT(fit->efficiency_ci95.lo, 0.68);
    EXPECT_GT(fit->efficiency_ci95.hi, 0.68);
}

TEST(CalibrationFit, ReportsBathABiAsFixedWhenConfoundedWithSelectivity) {
    Truth truth;
    truth.a_bi_mM = 49.0;  // A and B at equal Sb: only k * c_Bi(A) is identifiable
    const auto fit = edc::calibration::fit_chemistry(input_for(make_run(truth)));
    ASSERT_TRUE(fit) << fit.error().message;
    EXPECT_FALSE(fit->a_bi_fitted);
    EXPECT_NE(fit->a_bi_note.find("confounded"), std::string::npos);
    EXPECT_NEAR(fit->k * fit->a_bi_mol_per_m3, 1.25 * 49.0, 0.01 * 1.25 * 49.0);
}

TEST(CalibrationFit, BlurringThePredictionMatchesABlurredMeasurement) {
    const auto s = make_run(Truth{});
    // Blur the exact film here (Gaussian, sigma 30 nm, renormalised over the film) as a profiler would.
    DepthProfile blurred;
    const auto& pts = s.film.points;
    for (const auto& p : pts) {
        double w = 0.0;
        double wx = 0.0;
        for (const auto& q : pts) {
            const double u = (q.depth_m - p.depth_m) / 30e-9;
            w += std::exp(-0.5 * u * u);
            wx += std::exp(-0.5 * u * u) * q.x_bi;
        }
        blurred.points.push_back({p.depth_m, wx / w});
    }
    FitInput in = input_for(s);
    in.runs[0].measured = blurred;
    in.resolution_m = 30e-9;
    const auto fit = edc::calibration::fit_chemistry(in);
    ASSERT_TRUE(fit) << fit.error().message;
    EXPECT_NEAR(fit->k, 1.25, 0.01);
}

TEST(CalibrationFit, ConstantBathDepositsAloneGiveKDirectlyAndCarryEfficiencyWithoutThickness) {
    FitInput in;
    in.start.selectivity = edc::model::Selectivity::constant(1.0);
    in.start.current_efficiency = 0.7;
    for (const double r : {0.25, 0.5, 1.0, 2.0}) {
        const double x = 1.1 * r / (1.0 + 1.1 * r);  // x/(1-x) = k R with k = 1.1
        in.deposits.push_back(CalibrationDeposit{50.0 * r, 50.0, x, {}, {}, {}, {}});
    }
    const auto fit = edc::calibration::fit_chemistry(in);
    ASSERT_TRUE(fit) << fit.error().message;
    EXPECT_NEAR(fit->k, 1.1, 1e-4);
    EXPECT_FALSE(fit->efficiency.has_value());
    EXPECT_DOUBLE_EQ(fit->chemistry.current_efficiency, 0.7);
}

TEST(CalibrationFit, DepositWithChargeAndMassGivesEfficiency) {
    FitInput in;
    // 1.14 C at efficiency 0.725 deposits 2.856 umol; x = 1/3: M = 150.83 g/mol -> 0.4308 mg.
    const double mol = 0.725 * 1.14 / (3.0 * 96485.332);
    const double mass_kg = mol * (208.98e-3 / 3.0 + 121.76e-3 * 2.0 / 3.0);
    in.deposits.push_back(CalibrationDeposit{25.0, 50.0, 1.0 / 3.0, 1.14, 1e-4, {}, mass_kg});
    in.deposits.push_back(CalibrationDeposit{50.0, 50.0, 0.5, {}, {}, {}, {}});
    const auto fit = edc::calibration::fit_chemistry(in);
    ASSERT_TRUE(fit) << fit.error().message;
    ASSERT_TRUE(fit->efficiency.has_value());
    EXPECT_NEAR(*fit->efficiency, 0.725, 1e-6);
}

TEST(CalibrationFit, SelectivityDriftingWithRatioIsFittedAsATableChosenByAic) {
    Truth truth;
    truth.k = 0.9;
    truth.slope = 0.6;  // k from 0.9 + 0.6 * R: about 1.5 at R = 1, 1.0 at R = 0.2
    const auto fit = edc::calibration::fit_chemistry(input_for(make_run(truth)));
    ASSERT_TRUE(fit) << fit.error().message;
    ASSERT_TRUE(fit->aic_table.has_value());
    EXPECT_TRUE(fit->table);
    EXPECT_LT(*fit->aic_table, fit->aic_constant);
    for (const auto& p : fit->table_points)
        EXPECT_NEAR(p.k, 0.9 + 0.6 * p.ratio, 0.05) << "at ratio " << p.ratio;
}

TEST(CalibrationFit, NothingToFitIsAnError) {
    const auto fit = edc::calibration::fit_chemistry(FitInput{});
    ASSERT_FALSE(fit);
    EXPECT_EQ(fit.error().code, "calibration_no_data");
}

}  // namespace
