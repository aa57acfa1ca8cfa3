#include "drivers/sim/deposit_score.hpp"

#include <algorithm>
#include <cmath>

namespace edc::sim {

std::vector<DepositLayer> layers_up_to_charge(const std::vector<DepositLayer>& layers, double charge_c) {
    std::vector<DepositLayer> out;
    double q = 0.0;
    for (const auto& l : layers) {
        if (q + l.charge_c <= charge_c) {
            out.push_back(l);
            q += l.charge_c;
            continue;
        }
        const double f = l.charge_c > 0.0 ? std::max(0.0, charge_c - q) / l.charge_c : 0.0;
        if (f > 0.0) out.push_back({l.metal_mol * f, l.x_bi, l.thickness_m * f, l.charge_c * f});
        break;
    }
    return out;
}

DepositScore score_deposit(const std::vector<DepositLayer>& layers,
                           const std::function<double(double)>& target, std::size_t bins) {
    DepositScore out;
    double bi = 0.0;
    for (const auto& l : layers) {
        out.thickness_m += l.thickness_m;
        out.metal_mol += l.metal_mol;
        bi += l.metal_mol * l.x_bi;
    }
    if (out.thickness_m <= 0.0 || out.metal_mol <= 0.0 || bins == 0) return out;
    out.mean_x_bi = bi / out.metal_mol;

    const double bin_h = out.thickness_m / static_cast<double>(bins);
    std::vector<double> mol(bins, 0.0);
    std::vector<double> mol_bi(bins, 0.0);
    double bottom = 0.0;
    for (const auto& l : layers) {
        const double top = bottom + l.thickness_m;
        if (l.thickness_m <= 0.0) continue;
        // Every bin this layer overlaps gets the overlapping share of its moles.
        auto i = static_cast<std::size_t>(std::floor(bottom / bin_h));
        for (; i < bins; ++i) {
            const double lo = std::max(bottom, static_cast<double>(i) * bin_h);
            const double hi = std::min(top, static_cast<double>(i + 1) * bin_h);
            if (hi <= lo) {
                if (static_cast<double>(i) * bin_h >= top) break;
                continue;
            }
            const double share = l.metal_mol * (hi - lo) / l.thickness_m;
            mol[i] += share;
            mol_bi[i] += share * l.x_bi;
        }
        bottom = top;
    }

    double sum_sq = 0.0;
    for (std::size_t i = 0; i < bins; ++i) {
        if (mol[i] <= 0.0) continue;
        ScoredBin b;
        b.fraction = (static_cast<double>(i) + 0.5) / static_cast<double>(bins);
        b.height_m = b.fraction * out.thickness_m;
        b.x_target = target(b.fraction);
        b.x_deposited = mol_bi[i] / mol[i];
        const double e = b.x_deposited - b.x_target;
        sum_sq += e * e;
        out.max_abs_x_bi = std::max(out.max_abs_x_bi, std::abs(e));
        out.bins.push_back(b);
    }
    if (!out.bins.empty()) out.rms_x_bi = std::sqrt(sum_sq / static_cast<double>(out.bins.size()));
    return out;
}

}  // namespace edc::sim
