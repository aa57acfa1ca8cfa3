#include "app/calibration/forward_model.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace edc::calibration {
namespace {

double interpolate(const DepthProfile& p, double depth_m) {
    const auto& pts = p.points;
    if (pts.empty()) return 0.0;
    if (depth_m <= pts.front().depth_m) return pts.front().x_bi;
    if (depth_m >= pts.back().depth_m) return pts.back().x_bi;
    const auto hi = std::upper_bound(pts.begin(), pts.end(), depth_m,
                                     [](double d, const ProfilePoint& q) { return d < q.depth_m; });
    const auto lo = hi - 1;
    const double span = hi->depth_m - lo->depth_m;
    const double f = span > 0.0 ? (depth_m - lo->depth_m) / span : 0.0;
    return lo->x_bi + f * (hi->x_bi - lo->x_bi);
}

// B delivered into the cell over each sample interval [i-1, i] from deposition start on (index i).
std::vector<double> interval_feed(const RecordedRun& run, std::size_t first_on, double bolus) {
    const auto& s = run.samples;
    std::vector<double> counter(s.size(), 0.0);
    std::vector<double> commanded(s.size(), 0.0);
    double delivered_rate = 0.0;
    double commanded_total = 0.0;
    for (std::size_t i = first_on + 1; i < s.size(); ++i) {
        counter[i] = std::max(0.0, s[i].dispensed_m3 - s[i - 1].dispensed_m3);
        const double dt = s[i].t_s - s[i - 1].t_s;
        if (!(dt > 0.0)) continue;
        // Exact first-order response to the rate held over the interval: its mean over dt.
        const double target = std::max(0.0, s[i - 1].feed_rate_m3_s);
        const double tau = run.flow_lag_s;
        const double decay = tau > 0.0 ? std::exp(-dt / tau) : 0.0;
        const double mean =
            tau > 0.0 ? target + (delivered_rate - target) * tau * (1.0 - decay) / dt : target;
        delivered_rate = target + (delivered_rate - target) * decay;
        commanded[i] = mean * dt;
        commanded_total += commanded[i];
    }
    const double counter_total =
        s.empty() ? 0.0
                  : std::max(0.0, s.back().dispensed_m3 -
                                      std::max(bolus, s[std::min(first_on, s.size() - 1)].dispensed_m3));
    if (!(commanded_total > 0.0) || !(counter_total > 0.0)) return counter;
    const double scale = counter_total / commanded_total;
    for (auto& v : commanded) v *= scale;
    return commanded;
}

}  // namespace

Prediction predict(const RecordedRun& run, const model::Chemistry& chemistry, double max_step_s) {
    Prediction out;
    model::CellParams p = run.cell;
    p.chemistry = chemistry;
    model::BathState bath = model::initial_bath(p);
    if (run.samples.empty()) return out;
    const bool overflow = p.cell.mode == model::CellMode::overflow;
    const double tau = p.cell.mixing_time_s;

    auto add_feed =
        [&](double dv) {  // dv of B mixed into the bulk (overflow: bath leaves at its own composition)
            if (dv <= 0.0) return;
            if (overflow) {
                const double keep = bath.volume_m3 / (bath.volume_m3 + dv);
                bath.n_bi_mol = bath.n_bi_mol * keep + dv * keep * p.chemistry.feed_b.bi_mol_per_m3;
                bath.n_sb_mol = bath.n_sb_mol * keep + dv * keep * p.chemistry.feed_b.sb_mol_per_m3;
            } else {
                bath.volume_m3 += dv;
                bath.n_bi_mol += dv * p.chemistry.feed_b.bi_mol_per_m3;
                bath.n_sb_mol += dv * p.chemistry.feed_b.sb_mol_per_m3;
            }
        };
    // The pre-bolus as the pump counted it (the counter is cleared when priming begins): its value
    // when current starts. The planned volume only when the counter never moved.
    double bolus = 0.0;
    std::size_t first_on = run.samples.size();
    for (std::size_t i = 0; i < run.samples.size(); ++i) {
        bolus = std::max(bolus, run.samples[i].dispensed_m3);
        if (run.samples[i].current_a > 0.0) {
            first_on = i;
            break;
        }
    }
    add_feed(bolus > 0.0 ? bolus : run.prebolus_m3);
    const std::vector<double> feed = interval_feed(run, first_on, bolus);
    model::Concentrations electrode = bath.concentrations();
    double depth = 0.0;
    double charge = 0.0;
    out.min_ratio = electrode.bi_mol_per_m3 / electrode.sb_mol_per_m3;
    out.max_ratio = out.min_ratio;
    out.profile.points.push_back({0.0, model::film_x_bi(p.chemistry.selectivity, electrode)});
    bool depositing = false;

    for (std::size_t i = 1; i < run.samples.size(); ++i) {
        const auto& a = run.samples[i - 1];
        const auto& b = run.samples[i];
        const double span = b.t_s - a.t_s;
        if (!(span > 0.0)) continue;
        const int steps = std::max(1, static_cast<int>(std::ceil(span / max_step_s)));
        const double dt = span / steps;
        const double dv = feed[i] / steps;
        for (int s = 0; s < steps; ++s) {
            const double f = (s + 0.5) / steps;
            const double current = std::max(0.0, a.current_a + f * (b.current_a - a.current_a));
            const double x = model::film_x_bi(p.chemistry.selectivity, electrode);
            const double r = model::metal_rate_mol_per_s(p.chemistry, current);
            if (r > 0.0) {
                depositing = true;
                const double ratio = electrode.bi_mol_per_m3 / electrode.sb_mol_per_m3;
                out.min_ratio = std::min(out.min_ratio, ratio);
                out.max_ratio = std::max(out.max_ratio, ratio);
            }
            // Metal leaves the bath at the film's composition; then the step's feed mixes in.
            bath.n_bi_mol = std::max(0.0, bath.n_bi_mol - x * r * dt);
            bath.n_sb_mol = std::max(0.0, bath.n_sb_mol - (1.0 - x) * r * dt);
            add_feed(dv);
            depth += model::growth_rate_m_per_s(p, r, x) * dt;
            charge += current * dt;
            // The electrode follows the bulk with the mixing time (exact first-order step).
            const double w = tau > 0.0 ? 1.0 - std::exp(-dt / tau) : 1.0;
            const auto bulk = bath.concentrations();
            electrode.bi_mol_per_m3 += w * (bulk.bi_mol_per_m3 - electrode.bi_mol_per_m3);
            electrode.sb_mol_per_m3 += w * (bulk.sb_mol_per_m3 - electrode.sb_mol_per_m3);
            if (r > 0.0 && depth > out.profile.points.back().depth_m) {
                out.profile.points.push_back({depth, x});
            } else if (!depositing) {
                out.profile.points.back().x_bi = model::film_x_bi(p.chemistry.selectivity, electrode);
            }
        }
    }
    out.thickness_m = depth;
    out.charge_c = charge;
    return out;
}

double blurred_x_at(const DepthProfile& profile, double depth_m, double sigma_m) {
    if (profile.points.size() < 2 || !(sigma_m > 0.0)) return interpolate(profile, depth_m);
    const double top = profile.points.back().depth_m;
    const double half_width = 4.0 * sigma_m;
    const double lo = std::max(0.0, depth_m - half_width);
    const double hi = std::min(top, depth_m + half_width);
    if (!(hi > lo)) return interpolate(profile, depth_m);
    constexpr int nodes = 80;
    const double h = (hi - lo) / nodes;
    double sum_w = 0.0;
    double sum_wx = 0.0;
    for (int i = 0; i <= nodes; ++i) {
        const double z = lo + i * h;
        const double u = (z - depth_m) / sigma_m;
        const double w = std::exp(-0.5 * u * u) * (i == 0 || i == nodes ? 0.5 : 1.0);
        sum_w += w;
        sum_wx += w * interpolate(profile, z);
    }
    return sum_w > 0.0 ? sum_wx / sum_w : interpolate(profile, depth_m);
}

}  // namespace edc::calibration
