#include "drivers/sim/plant_chemistry.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "control/model/units.hpp"

namespace edc::sim {

double plant_selectivity(const PlantChemistry& p, double ratio) noexcept {
    const auto& t = p.selectivity;
    if (t.empty()) return 1.0;
    if (t.size() == 1 || ratio <= t.front().ratio) return t.front().k;
    if (ratio >= t.back().ratio) return t.back().k;
    const auto hi = std::upper_bound(t.begin(), t.end(), ratio,
                                     [](double r, const PlantSelectivityPoint& pt) { return r < pt.ratio; });
    const auto lo = hi - 1;
    const double f = (ratio - lo->ratio) / (hi->ratio - lo->ratio);
    return lo->k + f * (hi->k - lo->k);
}

double plant_film_x_bi(const PlantChemistry& p, double c_bi, double c_sb) noexcept {
    c_bi = std::max(0.0, c_bi);
    c_sb = std::max(0.0, c_sb);
    if (c_bi <= 0.0) return 0.0;
    if (c_sb <= 0.0) return 1.0;
    // x = k c_Bi / (k c_Bi + c_Sb), the co-deposition law solved for x.
    const double k_bi = plant_selectivity(p, c_bi / c_sb) * c_bi;
    return k_bi / (k_bi + c_sb);
}

double plant_metal_rate_mol_per_s(const PlantChemistry& p, double cathodic_a) noexcept {
    if (cathodic_a <= 0.0) return 0.0;
    return p.current_efficiency * cathodic_a / (static_cast<double>(p.electrons) * units::faraday_c_per_mol);
}

double plant_layer_thickness_m(const PlantChemistry& p, double metal_mol, double x_bi) noexcept {
    const double vm = x_bi * p.bi.molar_volume_m3_per_mol + (1.0 - x_bi) * p.sb.molar_volume_m3_per_mol;
    return metal_mol * vm / (p.electrode_area_m2 * p.packing_fraction);
}

PlantBath::PlantBath(PlantChemistry chemistry) : chem_(std::move(chemistry)) {
    s_.volume = chem_.initial_volume_m3;
    s_.bulk_bi = chem_.a_bi_mol_per_m3;
    s_.bulk_sb = chem_.a_sb_mol_per_m3;
    s_.electrode_bi = s_.bulk_bi;
    s_.electrode_sb = s_.bulk_sb;
}

double PlantBath::film_x_bi() const noexcept {
    return plant_film_x_bi(chem_, s_.electrode_bi, s_.electrode_sb);
}

void PlantBath::pour(double volume_m3) noexcept {
    if (volume_m3 <= 0.0) return;
    // Fraction of the bath that is still A after the pour: growing, V/(V+w); overflow, the
    // washout of a well-mixed cell whose outflow matches the inflow, exp(-w/V).
    const double keep = chem_.mode == PlantCellMode::overflow ? std::exp(-volume_m3 / s_.volume)
                                                              : s_.volume / (s_.volume + volume_m3);
    const auto mix = [keep](double c, double feed) { return feed + (c - feed) * keep; };
    s_.bulk_bi = mix(s_.bulk_bi, chem_.b_bi_mol_per_m3);
    s_.bulk_sb = mix(s_.bulk_sb, chem_.b_sb_mol_per_m3);
    s_.electrode_bi = s_.bulk_bi;
    s_.electrode_sb = s_.bulk_sb;
    if (chem_.mode == PlantCellMode::growing) s_.volume += volume_m3;
}

// In concentrations both modes share one law: V dc/dt = q (c_B - c) - (metal leaving) because
// the inflow dilutes by q/V whether or not the same volume flows out; only dV/dt differs.
PlantBath::State PlantBath::rates(const State& s, double q, double r) const noexcept {
    State d;
    d.volume = chem_.mode == PlantCellMode::growing ? q : 0.0;
    const double x = plant_film_x_bi(chem_, s.electrode_bi, s.electrode_sb);
    d.bulk_bi = (q * (chem_.b_bi_mol_per_m3 - s.bulk_bi) - x * r) / s.volume;
    d.bulk_sb = (q * (chem_.b_sb_mol_per_m3 - s.bulk_sb) - (1.0 - x) * r) / s.volume;
    if (chem_.mixing_time_s > 0.0) {
        d.electrode_bi = (s.bulk_bi - s.electrode_bi) / chem_.mixing_time_s;
        d.electrode_sb = (s.bulk_sb - s.electrode_sb) / chem_.mixing_time_s;
    } else {  // no lag: the electrode sees the bulk, and started equal to it
        d.electrode_bi = d.bulk_bi;
        d.electrode_sb = d.bulk_sb;
    }
    d.deposited_bi = x * r;
    return d;
}

double PlantBath::advance(double dt_s, double feed_m3_per_s, double metal_mol_per_s) noexcept {
    if (dt_s <= 0.0) return 0.0;
    const double q = std::max(0.0, feed_m3_per_s);
    const double r = std::max(0.0, metal_mol_per_s);
    const auto along = [](const State& s, const State& d, double h) {
        return State{s.volume + h * d.volume,
                     s.bulk_bi + h * d.bulk_bi,
                     s.bulk_sb + h * d.bulk_sb,
                     s.electrode_bi + h * d.electrode_bi,
                     s.electrode_sb + h * d.electrode_sb,
                     s.deposited_bi + h * d.deposited_bi};
    };
    State start = s_;
    start.deposited_bi = 0.0;
    const State k1 = rates(start, q, r);
    const State k2 = rates(along(start, k1, dt_s / 2), q, r);
    const State k3 = rates(along(start, k2, dt_s / 2), q, r);
    const State k4 = rates(along(start, k3, dt_s), q, r);
    State sum;
    sum.volume = k1.volume + 2 * k2.volume + 2 * k3.volume + k4.volume;
    sum.bulk_bi = k1.bulk_bi + 2 * k2.bulk_bi + 2 * k3.bulk_bi + k4.bulk_bi;
    sum.bulk_sb = k1.bulk_sb + 2 * k2.bulk_sb + 2 * k3.bulk_sb + k4.bulk_sb;
    sum.electrode_bi = k1.electrode_bi + 2 * k2.electrode_bi + 2 * k3.electrode_bi + k4.electrode_bi;
    sum.electrode_sb = k1.electrode_sb + 2 * k2.electrode_sb + 2 * k3.electrode_sb + k4.electrode_sb;
    sum.deposited_bi = k1.deposited_bi + 2 * k2.deposited_bi + 2 * k3.deposited_bi + k4.deposited_bi;
    State next = along(start, sum, dt_s / 6);
    // A metal the film has used up stays at zero (the co-deposition law then takes the other).
    next.bulk_bi = std::max(0.0, next.bulk_bi);
    next.bulk_sb = std::max(0.0, next.bulk_sb);
    next.electrode_bi = std::max(0.0, next.electrode_bi);
    next.electrode_sb = std::max(0.0, next.electrode_sb);
    const double bi = std::clamp(next.deposited_bi, 0.0, r * dt_s);
    next.deposited_bi = 0.0;
    s_ = next;
    return bi;
}

}  // namespace edc::sim
