#include "control/model/cell_model.hpp"

#include <algorithm>
#include <cmath>
#include "control/text.hpp"

#include "control/model/units.hpp"

namespace edc::model {

Selectivity Selectivity::constant(double k) {
    Selectivity s;
    s.points_[0] = {1.0, k};
    s.count_ = 1;
    return s;
}

Result<Selectivity> Selectivity::table(std::span<const SelectivityPoint> points) {
    if (points.empty() || points.size() > max_points) {
        return fail("invalid_selectivity",
                    strf("selectivity table needs 1 to %zu points, got %zu", max_points, points.size()));
    }
    for (std::size_t i = 0; i < points.size(); ++i) {
        const auto& p = points[i];
        if (!(p.ratio > 0.0) || !std::isfinite(p.ratio) || !(p.k > 0.0) || !std::isfinite(p.k)) {
            return fail("invalid_selectivity",
                        strf("selectivity table point %zu: ratio and k must be positive and finite", i + 1));
        }
        if (i > 0 && !(p.ratio > points[i - 1].ratio)) {
            return fail("invalid_selectivity",
                        strf("selectivity table point %zu: ratios must increase strictly", i + 1));
        }
    }
    Selectivity s;
    std::copy(points.begin(), points.end(), s.points_.begin());
    s.count_ = points.size();
    return s;
}

double Selectivity::k_at(double ratio) const noexcept {
    if (count_ == 1 || ratio <= points_[0].ratio) return points_[0].k;
    if (ratio >= points_[count_ - 1].ratio) return points_[count_ - 1].k;
    std::size_t i = 1;
    while (points_[i].ratio < ratio) ++i;
    const auto& a = points_[i - 1];
    const auto& b = points_[i];
    return a.k + (b.k - a.k) * (ratio - a.ratio) / (b.ratio - a.ratio);
}

double Selectivity::x_from_ratio(double ratio) const noexcept {
    const double kr = k_at(ratio) * ratio;
    return kr / (1.0 + kr);
}

double Selectivity::ratio_for_x(double x) const noexcept {
    if (x <= 0.0) return 0.0;
    if (count_ == 1) return x / (points_[0].k * (1.0 - x));
    // k(R) R is increasing for any sane calibration: bisect on log R.
    double lo = std::log(1e-12);
    double hi = std::log(1e12);
    for (int i = 0; i < 200 && hi - lo > 1e-14; ++i) {
        const double mid = 0.5 * (lo + hi);
        (x_from_ratio(std::exp(mid)) < x ? lo : hi) = mid;
    }
    return std::exp(0.5 * (lo + hi));
}

BathState initial_bath(const CellParams& p) noexcept {
    const double v = p.cell.initial_volume_m3;
    return {v, p.chemistry.bath_a.bi_mol_per_m3 * v, p.chemistry.bath_a.sb_mol_per_m3 * v};
}

double film_x_bi(const Selectivity& k, const Concentrations& c) noexcept {
    if (c.sb_mol_per_m3 <= 0.0) return c.bi_mol_per_m3 > 0.0 ? 1.0 : 0.0;
    return k.x_from_ratio(c.bi_mol_per_m3 / c.sb_mol_per_m3);
}

double metal_mol_per_coulomb(const Chemistry& c) noexcept {
    return c.current_efficiency / (c.electrons * units::faraday_c_per_mol);
}

double metal_rate_mol_per_s(const Chemistry& c, double current_a) noexcept {
    return metal_mol_per_coulomb(c) * current_a;
}

double molar_volume_m3_per_mol(const Chemistry& c, double x_bi) noexcept {
    return x_bi * c.bi.molar_volume_m3_per_mol + (1.0 - x_bi) * c.sb.molar_volume_m3_per_mol;
}

double molar_mass_kg_per_mol(const Chemistry& c, double x_bi) noexcept {
    return x_bi * c.bi.molar_mass_kg_per_mol + (1.0 - x_bi) * c.sb.molar_mass_kg_per_mol;
}

double thickness_m(const CellParams& p, double metal_mol, double x_bi) noexcept {
    return metal_mol * molar_volume_m3_per_mol(p.chemistry, x_bi) /
           (p.cell.electrode_area_m2 * p.chemistry.packing_fraction);
}

double growth_rate_m_per_s(const CellParams& p, double metal_rate, double x_bi) noexcept {
    return thickness_m(p, metal_rate, x_bi);
}

double areal_mass_kg_per_m2(const CellParams& p, double metal_mol, double x_bi) noexcept {
    return metal_mol * molar_mass_kg_per_mol(p.chemistry, x_bi) / p.cell.electrode_area_m2;
}

BathRates bath_rates(const CellParams& p, const BathState& s, double q, double x_film, double r) noexcept {
    const auto& b = p.chemistry.feed_b;
    BathRates d;
    if (p.cell.mode == CellMode::growing) {
        d.dvolume_m3_per_s = q;
        d.dn_bi_mol_per_s = q * b.bi_mol_per_m3 - x_film * r;
        d.dn_sb_mol_per_s = q * b.sb_mol_per_m3 - (1.0 - x_film) * r;
    } else {
        const auto c = s.concentrations();
        d.dvolume_m3_per_s = 0.0;
        d.dn_bi_mol_per_s = q * (b.bi_mol_per_m3 - c.bi_mol_per_m3) - x_film * r;
        d.dn_sb_mol_per_s = q * (b.sb_mol_per_m3 - c.sb_mol_per_m3) - (1.0 - x_film) * r;
    }
    return d;
}

BathState advance(const BathState& s, const BathRates& r, double dt) noexcept {
    return {s.volume_m3 + r.dvolume_m3_per_s * dt, s.n_bi_mol + r.dn_bi_mol_per_s * dt,
            s.n_sb_mol + r.dn_sb_mol_per_s * dt};
}

}  // namespace edc::model
