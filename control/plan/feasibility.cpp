#include "control/plan/feasibility.hpp"

#include <algorithm>
#include <cmath>

#include "control/model/units.hpp"
#include "control/text.hpp"

namespace edc::plan {

namespace {

using units::m3_per_s_to_ml_per_min;
using units::m3_to_ml;
using units::m_to_nm;

template <class Pred>
const FeedPoint* first_where(const FeedPlan& plan, Pred pred) {
    const auto it = std::find_if(plan.points.begin(), plan.points.end(), pred);
    return it == plan.points.end() ? nullptr : &*it;
}

PlanIssue issue_at(const char* code, const FeedPoint& p, std::string msg) {
    return {code, std::move(msg), p.depth_m, p.t_s};
}

}  // namespace

std::vector<PlanIssue> hardware_issues(const PlanRequest& req, const FeedPlan& plan) {
    std::vector<PlanIssue> out;
    const auto& pump = req.pump;
    const auto& cell = req.cell.cell;

    if (!pump.present) {
        const double fed0 = plan.points.empty() ? 0.0 : plan.points.front().fed_m3;  // resuming: fed before
        if (const auto* p = first_where(
                plan, [&](const FeedPoint& f) { return f.fed_m3 - fed0 > no_pump_feed_tolerance_m3; })) {
            out.push_back(
                issue_at(issue::feed_required_without_pump, *p,
                         strf("the profile needs feed B from depth %.1f nm (t = %.1f s), %.3f mL in all "
                              "(bolus %.3f mL), but the cell has no pump",
                              m_to_nm(p->depth_m), p->t_s, m3_to_ml(plan.totals.feed_volume_m3),
                              m3_to_ml(plan.prebolus_m3))));
        }
    } else {
        if (!(pump.max_rate_m3_per_s > 0.0) || !(pump.syringe_volume_m3 > 0.0)) {
            out.push_back(
                {issue::invalid_request,
                 strf("pump limits missing: maximum rate %.4g mL/min and syringe volume %.4g mL must be "
                      "positive",
                      m3_per_s_to_ml_per_min(pump.max_rate_m3_per_s), m3_to_ml(pump.syringe_volume_m3)),
                 0.0, 0.0});
            return out;
        }
        const double max_q = pump.max_rate_m3_per_s * (1.0 + 1e-9);
        if (const auto* p =
                first_where(plan, [&](const FeedPoint& f) { return f.feed_rate_m3_per_s > max_q; })) {
            const auto peak = std::max_element(
                plan.points.begin(), plan.points.end(),
                [](const auto& a, const auto& b) { return a.feed_rate_m3_per_s < b.feed_rate_m3_per_s; });
            out.push_back(issue_at(
                issue::pump_rate_exceeded, *p,
                strf("feed rate %.2f mL/min needed at depth %.1f nm (t = %.1f s, x_Bi %.4f) exceeds "
                     "the pump's maximum %.2f mL/min; peak %.2f mL/min at depth %.1f nm (t = %.1f s)",
                     m3_per_s_to_ml_per_min(p->feed_rate_m3_per_s), m_to_nm(p->depth_m), p->t_s, p->x_target,
                     m3_per_s_to_ml_per_min(pump.max_rate_m3_per_s),
                     m3_per_s_to_ml_per_min(peak->feed_rate_m3_per_s), m_to_nm(peak->depth_m), peak->t_s)));
        }
        const double syringe = pump.syringe_volume_m3 * (1.0 + 1e-9);
        if (const auto* p = first_where(plan, [&](const FeedPoint& f) { return f.fed_m3 > syringe; });
            p != nullptr && req.start) {
            out.push_back(issue_at(
                issue::syringe_exhausted, *p,
                strf("the syringe's %.3f mL run out at depth %.1f nm (t = %.1f s): %.3f mL of B were "
                     "delivered "
                     "before the resume and the rest of the profile needs %.3f mL more (%.3f mL in all); "
                     "refill "
                     "or replace the syringe",
                     m3_to_ml(pump.syringe_volume_m3), m_to_nm(p->depth_m), p->t_s,
                     m3_to_ml(req.start->fed_m3), m3_to_ml(plan.totals.feed_volume_m3 - req.start->fed_m3),
                     m3_to_ml(plan.totals.feed_volume_m3))));
        } else if (p != nullptr) {
            out.push_back(
                issue_at(issue::syringe_capacity_exceeded, *p,
                         strf("the syringe's %.3f mL run out at depth %.1f nm (t = %.1f s); the plan needs "
                              "%.3f mL of B in all (bolus %.3f mL)",
                              m3_to_ml(pump.syringe_volume_m3), m_to_nm(p->depth_m), p->t_s,
                              m3_to_ml(plan.totals.feed_volume_m3), m3_to_ml(plan.prebolus_m3))));
        }
    }
    const double vmax = cell.max_volume_m3 * (1.0 + 1e-9);
    if (const auto* p = first_where(plan, [&](const FeedPoint& f) { return f.volume_m3 > vmax; })) {
        out.push_back(issue_at(
            issue::cell_overflow, *p,
            strf("bath volume reaches the cell's maximum %.2f mL at depth %.1f nm (t = %.1f s, x_Bi "
                 "%.4f); the plan ends at %.2f mL (growing mode: use overflow mode or a larger cell)",
                 m3_to_ml(cell.max_volume_m3), m_to_nm(p->depth_m), p->t_s, p->x_target,
                 m3_to_ml(plan.totals.final_volume_m3))));
    }
    return out;
}

void add_hardware_warnings(const PlanRequest& req, FeedPlan& plan) {
    const auto& pump = req.pump;
    if (pump.present && pump.min_rate_m3_per_s > 0.0) {
        if (const auto* p = first_where(plan, [&](const FeedPoint& f) {
                return f.feed_rate_m3_per_s > 0.0 && f.feed_rate_m3_per_s < pump.min_rate_m3_per_s;
            })) {
            plan.warnings.push_back(
                {"below_min_rate",
                 strf("feed rate %.4g mL/min at depth %.1f nm (t = %.1f s) is below the pump's minimum "
                      "%.4g mL/min: the pump will pulse there",
                      m3_per_s_to_ml_per_min(p->feed_rate_m3_per_s), m_to_nm(p->depth_m), p->t_s,
                      m3_per_s_to_ml_per_min(pump.min_rate_m3_per_s))});
        }
    }
    if (!req.transport) return;
    const auto& tr = *req.transport;
    const auto& ch = req.cell.chemistry;
    if (!(tr.boundary_layer_m > 0.0)) return;
    const double j_metal = req.deposit.current_density_a_per_m2 * ch.current_efficiency;
    const double zf = ch.electrons * units::faraday_c_per_mol;
    struct Metal {
        const char* name;
        double diffusion;
        bool bi;
    };
    for (const Metal m :
         {Metal{"Bi", tr.diffusion_bi_m2_per_s, true}, Metal{"Sb", tr.diffusion_sb_m2_per_s, false}}) {
        if (!(m.diffusion > 0.0)) continue;
        for (const auto& p : plan.points) {
            const double x = m.bi ? p.x_predicted : 1.0 - p.x_predicted;
            const double c = (m.bi ? p.n_bi_mol : p.n_sb_mol) / p.volume_m3;
            const double partial = x * j_metal;
            const double limit = zf * m.diffusion * c / tr.boundary_layer_m;
            if (partial > transport_warning_fraction * limit) {
                plan.warnings.push_back(
                    {"mass_transport_limited",
                     strf("%s partial current %.3g mA/cm2 at depth %.1f nm (t = %.1f s) is %.0f %% of its "
                          "mass-transport limit %.3g mA/cm2 (c = %.3g mM, D = %.3g m2/s, delta = %.3g um): "
                          "the "
                          "co-deposition law stops holding there",
                          m.name, units::a_per_m2_to_ma_per_cm2(partial), m_to_nm(p.depth_m), p.t_s,
                          100.0 * partial / limit, units::a_per_m2_to_ma_per_cm2(limit), c, m.diffusion,
                          tr.boundary_layer_m * 1e6)});
                break;
            }
        }
    }
}

void add_clamp_warning(FeedPlan& plan) {
    const FeedPoint* worst = nullptr;
    double dev = 0.0;
    for (const auto& p : plan.points) {
        const double d = std::abs(p.x_predicted - p.x_target);
        if (d > dev) {
            dev = d;
            worst = &p;
        }
    }
    if (worst == nullptr) return;
    plan.warnings.push_back(
        {"feed_clamped", strf("consumption alone moves the bath faster than the target asks; the "
                              "deposit deviates by up to %.3f at.%% Bi at depth %.1f nm (t = %.1f s)",
                              100.0 * dev, m_to_nm(worst->depth_m), worst->t_s)});
}

}  // namespace edc::plan
