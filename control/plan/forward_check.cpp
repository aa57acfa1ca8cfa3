#include "control/plan/forward_check.hpp"

#include <algorithm>
#include <cmath>

namespace edc::plan {

namespace {

struct State {
    double v, nbi, nsb;
};

}  // namespace

ForwardResult forward_simulate(const PlanRequest& req, const FeedPlan& plan,
                               const std::function<double(double)>& feed, int substeps) {
    ForwardResult out;
    if (plan.points.size() < 2) return out;
    const auto& p = req.cell;
    const auto& sel = p.chemistry.selectivity;
    const double current = plan.totals.current_a;
    const double r = model::metal_rate_mol_per_s(p.chemistry, current);
    const double dt_point = plan.points[1].t_s - plan.points[0].t_s;
    const double h = dt_point / std::max(1, substeps);

    auto deriv = [&](const State& s, double t) {
        const model::BathState b{s.v, s.nbi, s.nsb};
        const double x = sel.x_from_ratio(b.ratio());
        const auto d = model::bath_rates(p, b, feed(t), x, r);
        return State{d.dvolume_m3_per_s, d.dn_bi_mol_per_s, d.dn_sb_mol_per_s};
    };
    auto step = [](const State& s, const State& d, double k) {
        return State{s.v + k * d.v, s.nbi + k * d.nbi, s.nsb + k * d.nsb};
    };

    State s{plan.start_bath.volume_m3, plan.start_bath.n_bi_mol, plan.start_bath.n_sb_mol};
    // A resumed plan starts at its first point's charge (and time), with B already fed.
    double fed = plan.points.front().fed_m3;
    double t = plan.points.front().t_s;
    double sum_sq = 0.0;
    out.x_deposited.reserve(plan.points.size());
    for (std::size_t i = 0; i < plan.points.size(); ++i) {
        const double x = sel.x_from_ratio(s.nbi / s.nsb);
        out.x_deposited.push_back(x);
        const double err = x - plan.points[i].x_target;
        sum_sq += err * err;
        out.max_x_bi = std::max(out.max_x_bi, std::abs(err));
        if (i + 1 == plan.points.size()) break;
        for (int k = 0; k < substeps; ++k) {
            const State k1 = deriv(s, t);
            const State k2 = deriv(step(s, k1, h / 2), t + h / 2);
            const State k3 = deriv(step(s, k2, h / 2), t + h / 2);
            const State k4 = deriv(step(s, k3, h), t + h);
            s.v += h / 6 * (k1.v + 2 * k2.v + 2 * k3.v + k4.v);
            s.nbi += h / 6 * (k1.nbi + 2 * k2.nbi + 2 * k3.nbi + k4.nbi);
            s.nsb += h / 6 * (k1.nsb + 2 * k2.nsb + 2 * k3.nsb + k4.nsb);
            fed += h / 6 * (feed(t) + 4 * feed(t + h / 2) + feed(t + h));
            t += h;
        }
    }
    out.rms_x_bi = std::sqrt(sum_sq / static_cast<double>(plan.points.size()));
    out.final_bath = {s.v, s.nbi, s.nsb};
    out.fed_m3 = fed;
    return out;
}

ForwardResult forward_simulate(const PlanRequest& req, const FeedPlan& plan) {
    return forward_simulate(req, plan, [&plan](double t) { return plan.feed_rate_at_time(t); });
}

}  // namespace edc::plan
