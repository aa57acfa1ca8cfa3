#include "control/plan/planner.hpp"

#include <algorithm>
#include <cmath>

#include "control/model/units.hpp"
#include "control/plan/bolus.hpp"
#include "control/plan/feasibility.hpp"
#include "control/plan/forward_check.hpp"
#include "control/plan/profile_axis.hpp"
#include "control/plan/resume_start.hpp"
#include "control/text.hpp"

namespace edc::plan {

namespace {

constexpr double composition_tolerance = 1e-6;

struct State {
    double v, nbi, nsb, w;
};

State step(const State& s, const State& d, double k) {
    return {s.v + k * d.v, s.nbi + k * d.nbi, s.nsb + k * d.nsb, s.w + k * d.w};
}

// Right-hand side of the inverse along the charge axis. w = dW/dQ makes the bath ratio
// R = n_Bi/n_Sb move at dR/dQ = dR*/dQ + lambda (R* - R): on track this is the exact inverse
//   w (cB_Bi - R cB_Sb) = n_Sb dR*/dQ + a (x - R (1 - x)),
// the same for both modes (the overflow terms -w c_Bi and +R w c_Sb cancel); the lambda term
// pulls the bath back after a stretch where w had to be clamped at 0, or, resuming, from a bath
// that holds less B than the profile needs (then at most at the pump's maximum rate: the catch-up
// is as fast as the pump allows, while the tracking part alone still has to fit the pump).
class Inverse {
public:
    Inverse(const PlanRequest& req, const ProfileAxis& axis)
        : p_(req.cell),
          axis_(axis),
          a_(model::metal_mol_per_coulomb(req.cell.chemistry)),
          lambda_(50.0 / axis.total_charge_c()),
          w_cap_(1e4 * req.cell.cell.initial_volume_m3 / axis.total_charge_c()),
          w_catch_up_cap_(req.start && req.pump.present && req.pump.max_rate_m3_per_s > 0.0
                              ? req.pump.max_rate_m3_per_s / axis.nominal_current_a()
                              : w_cap_) {}

    struct Eval {
        State d;
        double w_raw;  // before clamping
        double x_target;
    };

    Eval operator()(double q, const State& s) {
        const auto& ch = p_.chemistry;
        const auto& sel = ch.selectivity;
        const auto t = axis_.at(q, cursor_);
        const double r_target = sel.ratio_for_x(t.x);
        const double r = s.nbi / s.nsb;
        const double x_film = sel.x_from_ratio(r);
        const double dr_target = ratio_slope(t.x) * t.dx_dq;
        const double track = s.nsb * dr_target + a_ * (x_film - r * (1.0 - x_film));
        const double pull = s.nsb * lambda_ * (r_target - r);
        const double den = ch.feed_b.bi_mol_per_m3 - r * ch.feed_b.sb_mol_per_m3;
        double w = 0.0;
        if (den < 0.0 && std::isfinite(track + pull)) {
            w = (track + pull) / den;
            const double w_track = track / den;
            if (w > w_catch_up_cap_ && w > w_track) w = std::max(w_track, w_catch_up_cap_);
        }
        const double w_raw = w;
        w = std::clamp(w, 0.0, w_cap_);
        const auto rates = model::bath_rates(p_, model::BathState{s.v, s.nbi, s.nsb}, w, x_film, a_);
        return {{rates.dvolume_m3_per_s, rates.dn_bi_mol_per_s, rates.dn_sb_mol_per_s, w}, w_raw, t.x};
    }

private:
    double ratio_slope(double x) const {
        const auto& sel = p_.chemistry.selectivity;
        if (!sel.is_table()) return 1.0 / (sel.k_at(1.0) * (1.0 - x) * (1.0 - x));
        const double h = 1e-6;
        const double lo = std::max(x - h, 1e-12);
        const double hi = std::min(x + h, 1.0 - 1e-12);
        return (sel.ratio_for_x(hi) - sel.ratio_for_x(lo)) / (hi - lo);
    }

    const model::CellParams& p_;
    const ProfileAxis& axis_;
    double a_;
    double lambda_;
    double w_cap_;
    double w_catch_up_cap_;
    std::size_t cursor_ = 0;
};

PlanIssue at_depth(const char* code, std::string msg, double depth_m, double t_s) {
    return {code, std::move(msg), depth_m, t_s};
}

// Where the bath must start: bath A, or bath A diluted by a bolus of B.
std::expected<Bolus, PlanIssue> starting_bath(const PlanRequest& req, const ProfileAxis& axis) {
    const auto& ch = req.cell.chemistry;
    const auto& sel = ch.selectivity;
    const double x0 = model::film_x_bi(sel, ch.bath_a);
    const double xb = axis.x_bottom();
    const double tolerance = std::max(composition_tolerance, req.bottom_tolerance_x);
    if (xb > x0 + tolerance) {
        return std::unexpected(
            at_depth(issue::bottom_unreachable,
                     strf("target bottom x_Bi %.4f is above what bath A deposits by "
                          "itself, %.4f (Bi %.4g mM, Sb %.4g mM, "
                          "k %.4g), by more than the tolerance of %.2f at.%%: feed B "
                          "can only lower x_Bi",
                          xb, x0, ch.bath_a.bi_mol_per_m3, ch.bath_a.sb_mol_per_m3,
                          sel.k_at(ch.bath_a.bi_mol_per_m3 / ch.bath_a.sb_mol_per_m3), 100.0 * tolerance),
                     0.0, 0.0));
    }
    if (xb >= x0 - composition_tolerance) return Bolus{0.0, model::initial_bath(req.cell)};
    const auto bolus = pre_dilution_bolus(req.cell, sel.ratio_for_x(xb));
    if (!bolus) {
        return std::unexpected(
            at_depth(issue::bottom_unreachable,
                     strf("target bottom x_Bi %.4f is at or below what feed B deposits by itself "
                          "(%.4f): no pre-dilution reaches it",
                          xb, model::film_x_bi(sel, ch.feed_b)),
                     0.0, 0.0));
    }
    return *bolus;
}

std::optional<PlanIssue> check_top(const PlanRequest& req, const ProfileAxis& axis) {
    const auto& ch = req.cell.chemistry;
    if (ch.bath_a.bi_mol_per_m3 <= 0.0) return std::nullopt;  // nothing to dilute: all-zero profile
    const double x_feed = model::film_x_bi(ch.selectivity, ch.feed_b);
    const auto s = axis.first_fraction_at_or_below(x_feed + composition_tolerance);
    if (!s) return std::nullopt;
    const double q = axis.charge_at_fraction(*s);
    return at_depth(
        issue::top_unreachable,
        strf("target x_Bi falls to %.4f at depth %.1f nm (t = %.1f s); feeding B only approaches feed B's "
             "own %.4f and never reaches it",
             std::max(x_feed, axis.min_x()), units::m_to_nm(*s * axis.thickness_m()),
             q / axis.nominal_current_a(), x_feed),
        *s * axis.thickness_m(), q / axis.nominal_current_a());
}

// From charge q_start (0, or where a resumed run stands) to the end of the profile, in
// req.steps equal steps.
void integrate(const PlanRequest& req, const ProfileAxis& axis, const Bolus& start, double q_start,
               FeedPlan& plan, double& max_clamp_excess) {
    const auto& sel = req.cell.chemistry.selectivity;
    const int n = req.steps;
    const double q_total = axis.total_charge_c();
    const double current = axis.nominal_current_a();
    const double h = (q_total - q_start) / n;
    Inverse inverse(req, axis);
    State s{start.bath.volume_m3, start.bath.n_bi_mol, start.bath.n_sb_mol, start.volume_m3};
    std::size_t cursor = 0;
    plan.points.resize(static_cast<std::size_t>(n) + 1);
    for (int i = 0; i <= n; ++i) {
        const double q = i == n ? q_total : q_start + i * h;
        const auto e1 = inverse(q, s);
        if (e1.w_raw < 0.0) max_clamp_excess = std::max(max_clamp_excess, -e1.w_raw);
        auto& pt = plan.points[static_cast<std::size_t>(i)];
        pt.charge_c = q;
        pt.t_s = q / current;
        pt.depth_m = axis.at(q, cursor).s * axis.thickness_m();
        pt.fed_m3 = s.w;
        pt.volume_m3 = s.v;
        pt.w_m3_per_c = e1.d.w;
        pt.feed_rate_m3_per_s = e1.d.w * current;
        pt.x_target = e1.x_target;
        pt.x_predicted = sel.x_from_ratio(s.nbi / s.nsb);
        pt.n_bi_mol = s.nbi;
        pt.n_sb_mol = s.nsb;
        if (i == n) break;
        const auto e2 = inverse(q + h / 2, step(s, e1.d, h / 2));
        const auto e3 = inverse(q + h / 2, step(s, e2.d, h / 2));
        const auto e4 = inverse(q + h, step(s, e3.d, h));
        s.v += h / 6 * (e1.d.v + 2 * e2.d.v + 2 * e3.d.v + e4.d.v);
        s.nbi += h / 6 * (e1.d.nbi + 2 * e2.d.nbi + 2 * e3.d.nbi + e4.d.nbi);
        s.nsb += h / 6 * (e1.d.nsb + 2 * e2.d.nsb + 2 * e3.d.nsb + e4.d.nsb);
        s.w += h / 6 * (e1.d.w + 2 * e2.d.w + 2 * e3.d.w + e4.d.w);
    }
}

// Whole film: a resumed plan adds the part before its first point, taken from the target.
void fill_totals(const PlanRequest& req, const ProfileAxis& axis, FeedPlan& plan) {
    const auto& ch = req.cell.chemistry;
    auto& t = plan.totals;
    t.charge_c = axis.total_charge_c();
    t.current_a = axis.nominal_current_a();
    t.duration_s = t.charge_c / t.current_a;
    t.thickness_m = axis.thickness_m();
    t.feed_volume_m3 = plan.points.back().fed_m3;
    t.final_volume_m3 = plan.points.back().volume_m3;
    const auto before = deposited_before(req, axis, plan.points.front().charge_c);
    double mass = before.mol_mass_c;
    double xsum = before.x_c;
    for (std::size_t i = 1; i < plan.points.size(); ++i) {
        const auto& a = plan.points[i - 1];
        const auto& b = plan.points[i];
        const double dq = b.charge_c - a.charge_c;
        mass += 0.5 * dq *
                (model::molar_mass_kg_per_mol(ch, a.x_predicted) +
                 model::molar_mass_kg_per_mol(ch, b.x_predicted));
        xsum += 0.5 * dq * (a.x_predicted + b.x_predicted);
    }
    for (const auto& p : plan.points)
        t.max_feed_rate_m3_per_s = std::max(t.max_feed_rate_m3_per_s, p.feed_rate_m3_per_s);
    t.mass_kg_per_m2 = mass * model::metal_mol_per_coulomb(ch) / req.cell.cell.electrode_area_m2;
    t.mean_x_bi = xsum / t.charge_c;
}

}  // namespace

std::expected<FeedPlan, PlanFailure> make_plan(const PlanRequest& req) {
    auto axis = ProfileAxis::build(req);
    if (!axis) return std::unexpected(PlanFailure{std::move(axis.error())});
    if (req.start) {
        auto bad = start_state_issues(*req.start, *axis);
        if (!bad.empty()) return std::unexpected(PlanFailure{std::move(bad)});
    }

    // Resuming: the bath as it stands, no bolus; fresh: bath A, diluted if the bottom needs it.
    const auto start =
        req.start ? std::expected<Bolus, PlanIssue>(resumed_bath(*req.start)) : starting_bath(req, *axis);
    if (!start) return std::unexpected(PlanFailure{{start.error()}});
    if (auto top = check_top(req, *axis)) return std::unexpected(PlanFailure{{*top}});

    FeedPlan plan;
    plan.prebolus_m3 = req.start ? 0.0 : start->volume_m3;
    plan.start_bath = start->bath;
    double max_clamp_excess = 0.0;
    integrate(req, *axis, *start, req.start ? req.start->charge_c : 0.0, plan, max_clamp_excess);
    fill_totals(req, *axis, plan);

    const auto round_trip = forward_simulate(req, plan);
    plan.totals.roundtrip_rms_x_bi = round_trip.rms_x_bi;
    plan.totals.roundtrip_max_x_bi = round_trip.max_x_bi;

    // Within the tolerance above bath A: the film starts at bath A's own x, and says so.
    const double x_a = model::film_x_bi(req.cell.chemistry.selectivity, req.cell.chemistry.bath_a);
    if (!req.start && axis->x_bottom() > x_a + composition_tolerance) {
        plan.warnings.push_back(
            {"bottom_short",
             strf("target bottom x_Bi %.4f is %.2f at.%% above what bath A deposits by itself (%.4f): "
                  "the film starts from bath A, below the target there (tolerance %.2f at.%%)",
                  axis->x_bottom(), 100.0 * (axis->x_bottom() - x_a), x_a,
                  100.0 * std::max(composition_tolerance, req.bottom_tolerance_x))});
    }
    add_resume_warnings(req, plan);
    if (max_clamp_excess > 0.0 && !plan.has_warning("resume_bath_ahead")) add_clamp_warning(plan);
    add_hardware_warnings(req, plan);
    auto issues = hardware_issues(req, plan);
    if (!issues.empty()) return std::unexpected(PlanFailure{std::move(issues)});
    return plan;
}

}  // namespace edc::plan
