#include "app/calibration/chemistry_fit.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <unsupported/Eigen/LevenbergMarquardt>
#include <unsupported/Eigen/NumericalDiff>

#include "control/text.hpp"

namespace edc::calibration {
namespace {

constexpr double faraday = 96485.332;  // C/mol

// Two-sided 95 % Student t quantile; 1.96 in the limit.
double t95(int dof) {
    constexpr std::array<double, 30> table{12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                           2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                           2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                           2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
    if (dof < 1) return table[0];
    if (dof <= 30) return table[static_cast<std::size_t>(dof - 1)];
    return 1.96 + 2.4 / dof;
}

// Measured thickness of a run: --thickness, else the profile's extent (a depth profiler reports
// the film from the substrate to its top surface).
double measured_thickness(const MeasuredRun& r) {
    if (r.thickness_m) return *r.thickness_m;
    return r.measured.points.back().depth_m;
}

// One parameterisation of the chemistry: log k (one value, or one per knot) and optionally log
// of A's Bi relative to the start.
struct Parameterisation {
    const FitInput* in = nullptr;
    std::vector<double> knots;  // empty: constant k
    bool fit_a = false;

    [[nodiscard]] int k_count() const { return knots.empty() ? 1 : static_cast<int>(knots.size()); }
    [[nodiscard]] int count() const { return k_count() + (fit_a ? 1 : 0); }

    [[nodiscard]] model::Chemistry chemistry(const Eigen::VectorXd& th) const {
        model::Chemistry c = in->start;
        if (knots.empty()) {
            c.selectivity = model::Selectivity::constant(std::exp(th[0]));
        } else {
            std::vector<model::SelectivityPoint> pts;
            for (std::size_t i = 0; i < knots.size(); ++i)
                pts.push_back({knots[i], std::exp(th[static_cast<Eigen::Index>(i)])});
            if (auto t = model::Selectivity::table(pts)) c.selectivity = *t;
        }
        if (fit_a) c.bath_a.bi_mol_per_m3 = in->start.bath_a.bi_mol_per_m3 * std::exp(th[k_count()]);
        return c;
    }

    [[nodiscard]] int residual_count() const {
        std::size_t n = in->deposits.size();
        for (const auto& r : in->runs) n += r.measured.points.size();
        return static_cast<int>(n);
    }

    [[nodiscard]] Eigen::VectorXd residuals(const Eigen::VectorXd& th) const {
        const model::Chemistry c = chemistry(th);
        Eigen::VectorXd f(residual_count());
        Eigen::Index i = 0;
        for (const auto& r : in->runs) {
            Prediction p = predict(r.run, c);
            // Composition is compared over the film's depth fraction: efficiency scales the depth
            // axis and is found from the thickness, separately.
            const double scale = p.thickness_m > 0.0 ? measured_thickness(r) / p.thickness_m : 1.0;
            for (auto& q : p.profile.points) q.depth_m *= scale;
            for (const auto& m : r.measured.points)
                f[i++] = blurred_x_at(p.profile, m.depth_m, in->resolution_m) - m.x_bi;
        }
        for (const auto& d : in->deposits) {
            f[i++] = c.selectivity.x_from_ratio(d.bath_bi_mol_per_m3 / d.bath_sb_mol_per_m3) - d.x_bi;
        }
        return f;
    }

    // Central-difference Jacobian for the covariance (the solver's own is QR-factored).
    [[nodiscard]] Eigen::MatrixXd jacobian(const Eigen::VectorXd& th) const {
        constexpr double h = 1e-4;
        Eigen::MatrixXd j(residual_count(), count());
        for (Eigen::Index k = 0; k < th.size(); ++k) {
            Eigen::VectorXd up = th;
            Eigen::VectorXd down = th;
            up[k] += h;
            down[k] -= h;
            j.col(k) = (residuals(up) - residuals(down)) / (2.0 * h);
        }
        return j;
    }
};

struct Functor : Eigen::DenseFunctor<double> {
    const Parameterisation* model;
    explicit Functor(const Parameterisation& m)
        : Eigen::DenseFunctor<double>(m.count(), m.residual_count()), model(&m) {}
    int operator()(const InputType& x, ValueType& f) const {
        f = model->residuals(x);
        return 0;
    }
};

struct Solved {
    Eigen::VectorXd theta;
    double rss = 0.0;
    Eigen::VectorXd half_width;  // 95 % half-widths of the parameters (log space)
    bool ok = false;
};

Solved solve(const Parameterisation& m, Eigen::VectorXd theta) {
    Solved s;
    Functor f(m);
    Eigen::NumericalDiff<Functor> diff(f, 1e-8);
    Eigen::LevenbergMarquardt<Eigen::NumericalDiff<Functor>> lm(diff);
    lm.setMaxfev(400 * static_cast<int>(theta.size() + 1));
    (void)lm.minimize(theta);
    const Eigen::VectorXd r = m.residuals(theta);
    s.rss = r.squaredNorm();
    s.ok = theta.allFinite() && std::isfinite(s.rss);
    s.theta = theta;
    const int n = static_cast<int>(r.size());
    const int p = m.count();
    const double s2 = n > p ? s.rss / (n - p) : s.rss;
    const Eigen::MatrixXd j = m.jacobian(theta);
    const Eigen::MatrixXd cov = (j.transpose() * j).completeOrthogonalDecomposition().pseudoInverse() * s2;
    s.half_width = cov.diagonal().cwiseMax(0.0).cwiseSqrt() * t95(n - p);
    return s;
}

double aic(double rss, int n, int p) {
    return n * std::log(std::max(rss, 1e-300) / n) + 2.0 * p;
}

Interval exp_interval(double log_value, double half_width) {
    return {std::exp(log_value - half_width), std::exp(log_value + half_width)};
}

}  // namespace

Result<FitResult> fit_chemistry(const FitInput& input) {
    Parameterisation constant{&input, {}, false};
    const int n = constant.residual_count();
    if (n < 2)
        return fail("calibration_no_data",
                    "nothing to fit: give at least one run with its profile, or calibration deposits");

    FitResult out;
    out.points = n;
    const double k0 = std::max(1e-3, input.start.selectivity.k_at(1.0));

    // A's Bi is identifiable only where the film's dilution separates it from k (A's and B's Sb
    // differ); test the Jacobian's two columns at the constant-k fit.
    Solved base = solve(constant, Eigen::VectorXd::Constant(1, std::log(k0)));
    if (!base.ok) return fail("calibration_failed", "the fit of a constant k did not converge");
    if (!input.runs.empty()) {
        Parameterisation with_a{&input, {}, true};
        Eigen::VectorXd th(2);
        th << base.theta[0], 0.0;
        const Eigen::MatrixXd j = with_a.jacobian(th);
        const double denom = j.col(0).norm() * j.col(1).norm();
        out.k_a_correlation = denom > 0.0 ? j.col(0).dot(j.col(1)) / denom : 1.0;
        if (std::abs(out.k_a_correlation) < 0.995) constant.fit_a = true;
    }
    out.a_bi_mol_per_m3 = input.start.bath_a.bi_mol_per_m3;
    if (constant.fit_a) {
        Eigen::VectorXd th(2);
        th << base.theta[0], 0.0;
        base = solve(constant, th);
        if (!base.ok) return fail("calibration_failed", "the fit of k and A's Bi did not converge");
        out.a_bi_fitted = true;
        out.a_bi_mol_per_m3 = input.start.bath_a.bi_mol_per_m3 * std::exp(base.theta[1]);
        const auto ci = exp_interval(base.theta[1], base.half_width[1]);
        out.a_bi_ci95 = {input.start.bath_a.bi_mol_per_m3 * ci.lo, input.start.bath_a.bi_mol_per_m3 * ci.hi};
        out.a_bi_note =
            strf("fitted: the dilution along the film separates it from k (Jacobian correlation %.3f)",
                 out.k_a_correlation);
    } else {
        out.a_bi_ci95 = {out.a_bi_mol_per_m3, out.a_bi_mol_per_m3};
        out.a_bi_note = input.runs.empty()
                            ? std::string("fixed: calibration deposits say nothing about bath A")
                            : strf(
                                  "fixed: confounded with k (the film depends on k * c_Bi(A) only; Jacobian "
                                  "correlation %.4f), so k absorbs any error in A's Bi",
                                  out.k_a_correlation);
    }
    out.k = std::exp(base.theta[0]);
    out.k_ci95 = exp_interval(base.theta[0], base.half_width[0]);
    out.aic_constant = aic(base.rss, n, constant.count());
    model::Chemistry best = constant.chemistry(base.theta);
    double best_aic = out.aic_constant;
    double best_rss = base.rss;

    // k(ratio) tables with 2 to 4 knots over the ratios the electrode saw and the deposits had.
    double lo = 1e300;
    double hi = 0.0;
    for (const auto& r : input.runs) {
        const auto p = predict(r.run, best);
        lo = std::min(lo, p.min_ratio);
        hi = std::max(hi, p.max_ratio);
    }
    for (const auto& d : input.deposits) {
        lo = std::min(lo, d.bath_bi_mol_per_m3 / d.bath_sb_mol_per_m3);
        hi = std::max(hi, d.bath_bi_mol_per_m3 / d.bath_sb_mol_per_m3);
    }
    if (hi > lo * 1.05) {
        for (int knots = 2; knots <= 4; ++knots) {
            const int p = knots + (constant.fit_a ? 1 : 0);
            if (n < 3 * p) break;
            Parameterisation table{&input, {}, constant.fit_a};
            for (int i = 0; i < knots; ++i) table.knots.push_back(lo + (hi - lo) * i / (knots - 1));
            Eigen::VectorXd th = Eigen::VectorXd::Constant(table.count(), base.theta[0]);
            if (constant.fit_a) th[knots] = base.theta[1];
            const Solved s = solve(table, th);
            if (!s.ok) continue;
            const double a = aic(s.rss, n, table.count());
            if (!out.aic_table || a < *out.aic_table) {
                out.aic_table = a;
                out.table_knots = knots;
                out.table_points.clear();
                out.table_ci95.clear();
                for (int i = 0; i < knots; ++i) {
                    out.table_points.push_back(
                        {table.knots[static_cast<std::size_t>(i)], std::exp(s.theta[i])});
                    out.table_ci95.push_back(exp_interval(s.theta[i], s.half_width[i]));
                }
                if (a < best_aic) {
                    best_aic = a;
                    best_rss = s.rss;
                    best = table.chemistry(s.theta);
                    out.table = true;
                    if (constant.fit_a) {
                        out.a_bi_mol_per_m3 = best.bath_a.bi_mol_per_m3;
                        const auto ci = exp_interval(s.theta[knots], s.half_width[knots]);
                        out.a_bi_ci95 = {input.start.bath_a.bi_mol_per_m3 * ci.lo,
                                         input.start.bath_a.bi_mol_per_m3 * ci.hi};
                    }
                }
            }
        }
    }
    out.residual_rms = std::sqrt(best_rss / n);

    // Efficiency: thickness scales with it (composition hardly moves); two passes absorb the
    // small change in consumption.
    std::vector<double> estimates;
    double relative_uncertainty = 0.0;
    for (const auto& r : input.runs) {
        double eta = best.current_efficiency;
        const double h = measured_thickness(r);
        for (int pass = 0; pass < 2; ++pass) {
            model::Chemistry c = best;
            c.current_efficiency = eta;
            const auto p = predict(r.run, c);
            if (p.thickness_m > 0.0) eta *= h / p.thickness_m;
        }
        estimates.push_back(eta);
        const auto& pts = r.measured.points;
        const double spacing = r.thickness_m || pts.size() < 2 ? 0.01 * h
                                                               : (pts.back().depth_m - pts.front().depth_m) /
                                                                     static_cast<double>(pts.size() - 1);
        relative_uncertainty = std::max(relative_uncertainty, 0.5 * spacing / h);
    }
    for (const auto& d : input.deposits) {
        if (!d.charge_c || !(*d.charge_c > 0.0)) continue;
        const double x = d.x_bi;
        double metal_mol = 0.0;
        if (d.mass_kg) {
            metal_mol =
                *d.mass_kg / (x * best.bi.molar_mass_kg_per_mol + (1.0 - x) * best.sb.molar_mass_kg_per_mol);
        } else if (d.thickness_m && d.area_m2) {
            const double vm =
                x * best.bi.molar_volume_m3_per_mol + (1.0 - x) * best.sb.molar_volume_m3_per_mol;
            metal_mol = *d.thickness_m * *d.area_m2 * best.packing_fraction / vm;
        } else {
            continue;
        }
        estimates.push_back(metal_mol * best.electrons * faraday / *d.charge_c);
        relative_uncertainty = std::max(relative_uncertainty, 0.01);
    }
    if (!estimates.empty()) {
        const double count = static_cast<double>(estimates.size());
        const double mean = std::accumulate(estimates.begin(), estimates.end(), 0.0) / count;
        double half = mean * relative_uncertainty * 1.96;
        if (estimates.size() > 1) {
            double ss = 0.0;
            for (const double e : estimates) ss += (e - mean) * (e - mean);
            half = std::max(
                half, t95(static_cast<int>(estimates.size()) - 1) * std::sqrt(ss / (count - 1.0) / count));
        }
        out.efficiency = std::min(mean, 1.0);
        out.efficiency_ci95 = {mean - half, mean + half};
        out.efficiency_note =
            strf("fitted from %zu thickness/mass estimate%s%s", estimates.size(),
                 estimates.size() == 1 ? "" : "s", mean > 1.0 ? " (above 1: capped at 1)" : "");
        best.current_efficiency = *out.efficiency;
    } else {
        out.efficiency_ci95 = {best.current_efficiency, best.current_efficiency};
        out.efficiency_note = "carried: no thickness or mass to fit it from";
    }
    out.chemistry = best;
    return out;
}

}  // namespace edc::calibration
