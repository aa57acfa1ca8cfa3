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

// A run's measured depths, rescaled when --thickness says the profile's depth axis is off (a
// sputter profile's depth comes from an assumed sputter rate): its extent becomes the thickness.
MeasuredRun rescaled(MeasuredRun r) {
    if (r.thickness_m && r.measured.points.size() > 1 && r.measured.points.back().depth_m > 0.0) {
        const double f = *r.thickness_m / r.measured.points.back().depth_m;
        for (auto& p : r.measured.points) p.depth_m *= f;
    }
    return r;
}

// Residual of a relative thickness error (see Parameterisation::residuals).
constexpr double thickness_weight = 1.0;

// One parameterisation of the chemistry: log k (one value, or one per knot), log efficiency
// relative to the start (with runs: it sets the film's depth scale) and optionally log of A's Bi
// relative to the start.
struct Parameterisation {
    const FitInput* in = nullptr;
    std::vector<double> knots;  // empty: constant k
    bool fit_a = false;

    [[nodiscard]] bool fit_eta() const { return !in->runs.empty(); }
    [[nodiscard]] int k_count() const { return knots.empty() ? 1 : static_cast<int>(knots.size()); }
    [[nodiscard]] int eta_index() const { return k_count(); }
    [[nodiscard]] int a_index() const { return k_count() + (fit_eta() ? 1 : 0); }
    [[nodiscard]] int count() const { return a_index() + (fit_a ? 1 : 0); }

    // Every log k at log_k, efficiency and A's Bi at their starts (or at `from`'s values).
    [[nodiscard]] Eigen::VectorXd initial(double log_k, double log_eta = 0.0, double log_a = 0.0) const {
        Eigen::VectorXd th = Eigen::VectorXd::Constant(count(), log_k);
        if (fit_eta()) th[eta_index()] = log_eta;
        if (fit_a) th[a_index()] = log_a;
        return th;
    }

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
        if (fit_eta())
            c.current_efficiency = std::min(1.0, in->start.current_efficiency * std::exp(th[eta_index()]));
        if (fit_a) c.bath_a.bi_mol_per_m3 = in->start.bath_a.bi_mol_per_m3 * std::exp(th[a_index()]);
        return c;
    }

    [[nodiscard]] int residual_count() const {
        std::size_t n = in->deposits.size();
        for (const auto& r : in->runs) n += r.measured.points.size() + 1;  // + its thickness
        return static_cast<int>(n);
    }

    [[nodiscard]] Eigen::VectorXd residuals(const Eigen::VectorXd& th) const {
        const model::Chemistry c = chemistry(th);
        Eigen::VectorXd f(residual_count());
        Eigen::Index i = 0;
        for (const auto& r : in->runs) {
            // Compared at the measured depths from the substrate: efficiency stretches the film,
            // composition sets the levels; material deposited after the record ends (a slow stop)
            // only adds a top the prediction holds at its last composition.
            const Prediction p = predict(r.run, c);
            for (const auto& m : r.measured.points)
                f[i++] = blurred_x_at(p.profile, m.depth_m, in->resolution_m) - m.x_bi;
            // The film's thickness (the profile's extent, or --thickness) against the recorded
            // charge: 1 % of thickness weighs as 0.01 in x_Bi, as one point of a profile with the
            // typical 1 at.% noise. Without it only the depths of the composition's features set
            // the depth scale, and a noisy profile trades efficiency against the top's k.
            const double top = r.measured.points.empty() ? 0.0 : r.measured.points.back().depth_m;
            f[i++] = top > 0.0 ? thickness_weight * (p.thickness_m / top - 1.0) : 0.0;
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
    lm.setMaxfev(static_cast<Eigen::Index>(400) * (theta.size() + 1));
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

constexpr double table_aic_margin = 2.0;

double aic(double rss, int n, int p) {
    return n * std::log(std::max(rss, 1e-300) / n) + 2.0 * p;
}

Interval exp_interval(double log_value, double half_width) {
    return {std::exp(log_value - half_width), std::exp(log_value + half_width)};
}

}  // namespace

Result<FitResult> fit_chemistry(const FitInput& raw) {
    FitInput input = raw;
    for (auto& r : input.runs) r = rescaled(std::move(r));
    Parameterisation constant{&input, {}, false};
    const int n = constant.residual_count();
    if (n < constant.count() + 1 || n < 2) {
        return fail("calibration_no_data",
                    "nothing to fit: give at least one run with its profile, or calibration deposits");
    }

    FitResult out;
    out.points = n - static_cast<int>(input.runs.size());  // profile points and deposits
    const double log_k0 = std::log(std::max(1e-3, input.start.selectivity.k_at(1.0)));

    Solved base = solve(constant, constant.initial(log_k0));
    if (!base.ok) return fail("calibration_failed", "the fit of a constant k did not converge");
    // A's Bi is identifiable only where the film's dilution separates it from k (A's and B's Sb
    // differ): test the Jacobian's k and A columns at the constant-k fit.
    if (!input.runs.empty()) {
        Parameterisation with_a{&input, {}, true};
        const Eigen::VectorXd th = with_a.initial(base.theta[0], base.theta[constant.eta_index()]);
        const Eigen::MatrixXd j = with_a.jacobian(th);
        const auto ka = j.col(0);
        const auto aa = j.col(with_a.a_index());
        const double denom = ka.norm() * aa.norm();
        out.k_a_correlation = denom > 0.0 ? ka.dot(aa) / denom : 1.0;
        if (std::abs(out.k_a_correlation) < 0.995) {
            constant.fit_a = true;
            base = solve(constant, th);
            if (!base.ok) return fail("calibration_failed", "the fit of k and A's Bi did not converge");
        }
    }
    auto record_a = [&](const Parameterisation& m, const Solved& s) {
        if (!m.fit_a) return;
        const double a0 = input.start.bath_a.bi_mol_per_m3;
        out.a_bi_mol_per_m3 = a0 * std::exp(s.theta[m.a_index()]);
        const auto ci = exp_interval(s.theta[m.a_index()], s.half_width[m.a_index()]);
        out.a_bi_ci95 = {a0 * ci.lo, a0 * ci.hi};
    };
    auto record_eta = [&](const Parameterisation& m, const Solved& s) {
        if (!m.fit_eta()) return;
        const double e0 = input.start.current_efficiency;
        out.efficiency = std::min(1.0, e0 * std::exp(s.theta[m.eta_index()]));
        const auto ci = exp_interval(s.theta[m.eta_index()], s.half_width[m.eta_index()]);
        out.efficiency_ci95 = {e0 * ci.lo, e0 * ci.hi};
    };
    out.a_bi_mol_per_m3 = input.start.bath_a.bi_mol_per_m3;
    out.a_bi_ci95 = {out.a_bi_mol_per_m3, out.a_bi_mol_per_m3};
    record_a(constant, base);
    record_eta(constant, base);
    out.a_bi_fitted = constant.fit_a;
    if (constant.fit_a) {
        out.a_bi_note =
            strf("fitted: the dilution along the film separates it from k (Jacobian correlation %.3f)",
                 out.k_a_correlation);
    } else {
        out.a_bi_note = input.runs.empty()
                            ? std::string("fixed: calibration deposits say nothing about bath A")
                            : strf(
                                  "fixed: confounded with k (the film depends on k * c_Bi(A) only; "
                                  "Jacobian correlation %.4f), so k absorbs any error in A's Bi",
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
            Parameterisation table{&input, {}, constant.fit_a};
            for (int i = 0; i < knots; ++i) table.knots.push_back(lo + (hi - lo) * i / (knots - 1));
            if (n < 3 * table.count()) break;
            const Solved s =
                solve(table, table.initial(base.theta[0],
                                           constant.fit_eta() ? base.theta[constant.eta_index()] : 0.0,
                                           constant.fit_a ? base.theta[constant.a_index()] : 0.0));
            if (!s.ok) continue;
            const double a = aic(s.rss, n, table.count());
            if (out.aic_table && a >= *out.aic_table) continue;
            out.aic_table = a;
            out.table_knots = knots;
            out.table_points.clear();
            out.table_ci95.clear();
            for (int i = 0; i < knots; ++i) {
                out.table_points.push_back({table.knots[static_cast<std::size_t>(i)], std::exp(s.theta[i])});
                out.table_ci95.push_back(exp_interval(s.theta[i], s.half_width[i]));
            }
            // A table must earn its extra knots: AIC lower by more than 2 (Burnham and Anderson's
            // "substantial support"); a tie within noise keeps the constant k.
            if (a < best_aic - table_aic_margin) {
                best_aic = a;
                best_rss = s.rss;
                best = table.chemistry(s.theta);
                out.table = true;
                record_a(table, s);
                record_eta(table, s);
            }
        }
    }
    out.residual_rms = std::sqrt(best_rss / n);

    if (out.efficiency) {
        out.efficiency_note =
            "fitted: the film's depth scale (the measured thickness) against the recorded charge";
    } else {
        // Calibration deposits with charge and thickness or mass: metal deposited per charge passed.
        std::vector<double> estimates;
        for (const auto& d : input.deposits) {
            if (!d.charge_c || !(*d.charge_c > 0.0)) continue;
            const double x = d.x_bi;
            double metal_mol = 0.0;
            if (d.mass_kg) {
                metal_mol = *d.mass_kg /
                            (x * best.bi.molar_mass_kg_per_mol + (1.0 - x) * best.sb.molar_mass_kg_per_mol);
            } else if (d.thickness_m && d.area_m2) {
                const double vm =
                    x * best.bi.molar_volume_m3_per_mol + (1.0 - x) * best.sb.molar_volume_m3_per_mol;
                metal_mol = *d.thickness_m * *d.area_m2 * best.packing_fraction / vm;
            } else {
                continue;
            }
            estimates.push_back(metal_mol * best.electrons * faraday / *d.charge_c);
        }
        if (!estimates.empty()) {
            const auto count = static_cast<double>(estimates.size());
            const double mean = std::accumulate(estimates.begin(), estimates.end(), 0.0) / count;
            double half = mean * 0.02;  // a stated 1 % (1 sigma) on one thickness or mass
            if (estimates.size() > 1) {
                double ss = 0.0;
                for (const double e : estimates) ss += (e - mean) * (e - mean);
                half = std::max(half, t95(static_cast<int>(estimates.size()) - 1) *
                                          std::sqrt(ss / (count - 1.0) / count));
            }
            out.efficiency = std::min(mean, 1.0);
            out.efficiency_ci95 = {mean - half, mean + half};
            out.efficiency_note = strf("fitted from %zu calibration deposit%s with charge and %s%s",
                                       estimates.size(), estimates.size() == 1 ? "" : "s",
                                       "thickness or mass", mean > 1.0 ? " (above 1: capped at 1)" : "");
            best.current_efficiency = *out.efficiency;
        } else {
            out.efficiency_ci95 = {best.current_efficiency, best.current_efficiency};
            out.efficiency_note = "carried: no thickness or mass to fit it from";
        }
    }
    out.chemistry = best;
    return out;
}

}  // namespace edc::calibration
