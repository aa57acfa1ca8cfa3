#pragma once
// Fitting the chemistry to measured films (design.md, "Model error, plants and calibration"):
// Levenberg-Marquardt (Eigen) over log k (a constant, or a k(c_Bi/c_Sb) table with knots over
// the ratio range the runs covered, chosen by AIC) and, where the data separate it from k, the
// Bi content of bath A; current efficiency from the measured thickness (and from calibration
// deposits with charge and thickness or mass). 95 % intervals from (J^T J)^-1 s^2.
#include <optional>
#include <string>
#include <vector>

#include "app/calibration/depth_profile.hpp"
#include "app/calibration/forward_model.hpp"
#include "control/error.hpp"
#include "control/model/cell_model.hpp"

namespace edc::calibration {

// A journaled run and its measured depth profile.
struct MeasuredRun {
    RecordedRun run;
    DepthProfile measured;
    std::optional<double> thickness_m;  // --thickness; else the profile's extent
};

// A constant-bath calibration deposit (no feed): x/(1-x) = k c_Bi/c_Sb.
struct CalibrationDeposit {
    double bath_bi_mol_per_m3 = 0.0;
    double bath_sb_mol_per_m3 = 0.0;
    double x_bi = 0.0;
    std::optional<double> charge_c;
    std::optional<double> area_m2;
    std::optional<double> thickness_m;
    std::optional<double> mass_kg;
};

struct FitInput {
    std::vector<MeasuredRun> runs;
    std::vector<CalibrationDeposit> deposits;
    model::Chemistry start;       // the runs' effective chemistry (or the recipe's): starting point
    double resolution_m = 30e-9;  // Gaussian standard deviation of the measurement's depth blur
};

struct Interval {
    double lo = 0.0;
    double hi = 0.0;
};

struct FitResult {
    model::Chemistry chemistry;  // start with the fitted values replaced
    bool table = false;          // the chosen selectivity model
    double k = 0.0;              // constant model's k (also when the table was chosen)
    Interval k_ci95;
    std::vector<model::SelectivityPoint> table_points;  // the table model's knots
    std::vector<Interval> table_ci95;
    double aic_constant = 0.0;
    std::optional<double> aic_table;  // absent when no table could be fitted (too few points)
    int table_knots = 0;
    std::optional<double> efficiency;  // fitted when a thickness or mass is known
    Interval efficiency_ci95;
    std::string efficiency_note;  // how it was found, or why it is carried
    bool a_bi_fitted = false;
    double a_bi_mol_per_m3 = 0.0;
    Interval a_bi_ci95;
    std::string a_bi_note;         // why fixed (confounded with k) or how identified
    double k_a_correlation = 0.0;  // of the Jacobian's log k and log c_Bi(A) columns
    double residual_rms = 0.0;     // x_Bi, fraction
    int points = 0;
};

// Errors: "calibration_no_data" (nothing to fit), "calibration_failed" (the solver diverged).
[[nodiscard]] Result<FitResult> fit_chemistry(const FitInput& input);

}  // namespace edc::calibration
