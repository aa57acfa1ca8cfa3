#include "control/plan/bolus.hpp"

#include <cmath>

namespace edc::plan {

namespace {

model::BathState add(const model::BathState& s, const model::BathRates& d, double h) {
    return model::advance(s, d, h);
}

}  // namespace

model::BathState bath_after_feed(const model::CellParams& p, const model::BathState& start,
                                 double w) noexcept {
    // dn/dW is bath_rates at unit flow and no deposition; in overflow mode the bath decays
    // on the scale W ~ V, so steps of V/50 keep RK4 far below 1e-9 relative error.
    const int steps = std::max(16, static_cast<int>(std::ceil(50.0 * w / start.volume_m3)));
    const double h = w / steps;
    model::BathState s = start;
    for (int i = 0; i < steps; ++i) {
        const auto k1 = model::bath_rates(p, s, 1.0, 0.0, 0.0);
        const auto k2 = model::bath_rates(p, add(s, k1, h / 2), 1.0, 0.0, 0.0);
        const auto k3 = model::bath_rates(p, add(s, k2, h / 2), 1.0, 0.0, 0.0);
        const auto k4 = model::bath_rates(p, add(s, k3, h), 1.0, 0.0, 0.0);
        s.volume_m3 +=
            h / 6 *
            (k1.dvolume_m3_per_s + 2 * k2.dvolume_m3_per_s + 2 * k3.dvolume_m3_per_s + k4.dvolume_m3_per_s);
        s.n_bi_mol +=
            h / 6 *
            (k1.dn_bi_mol_per_s + 2 * k2.dn_bi_mol_per_s + 2 * k3.dn_bi_mol_per_s + k4.dn_bi_mol_per_s);
        s.n_sb_mol +=
            h / 6 *
            (k1.dn_sb_mol_per_s + 2 * k2.dn_sb_mol_per_s + 2 * k3.dn_sb_mol_per_s + k4.dn_sb_mol_per_s);
    }
    return s;
}

std::optional<Bolus> pre_dilution_bolus(const model::CellParams& p, double target_ratio) noexcept {
    const model::BathState start = model::initial_bath(p);
    if (start.ratio() <= target_ratio) return Bolus{0.0, start};
    const auto& b = p.chemistry.feed_b;
    const double floor_ratio = b.bi_mol_per_m3 / b.sb_mol_per_m3;  // the limit of infinite feed
    if (!(target_ratio > floor_ratio * (1.0 + 1e-9))) return std::nullopt;

    double lo = 0.0;
    double hi = start.volume_m3;
    for (int i = 0; bath_after_feed(p, start, hi).ratio() > target_ratio; ++i) {
        if (i > 14) return std::nullopt;  // 16000 cell volumes: no practical bolus
        lo = hi;
        hi *= 2.0;
    }
    for (int i = 0; i < 100 && hi - lo > 1e-12 * hi; ++i) {
        const double mid = 0.5 * (lo + hi);
        (bath_after_feed(p, start, mid).ratio() > target_ratio ? lo : hi) = mid;
    }
    const double w = 0.5 * (lo + hi);
    return Bolus{w, bath_after_feed(p, start, w)};
}

}  // namespace edc::plan
