#include "control/plan/resume_start.hpp"

#include <algorithm>
#include <cmath>

#include "control/model/units.hpp"
#include "control/text.hpp"

namespace edc::plan {

namespace {

// Off the target by less than this (0.1 at.%, a fifth of the film's 0.5 at.% bar) at the start
// charge: on track, no warning; a measured bath is never exactly on the plan.
constexpr double on_track_x = 1e-3;

}  // namespace

std::vector<PlanIssue> start_state_issues(const StartState& start, const ProfileAxis& axis) {
    std::vector<PlanIssue> out;
    auto bad = [&](std::string msg) { out.push_back({issue::invalid_request, std::move(msg), 0.0, 0.0}); };
    struct Field {
        const char* name;
        double value;
        bool zero_ok;
        const char* unit;
    };
    for (const Field f : {Field{"charge_c", start.charge_c, true, "C"},
                          Field{"bath_volume_m3", start.bath_volume_m3, false, "m3"},
                          Field{"c_bi_mol_per_m3", start.c_bi_mol_per_m3, true, "mol/m3"},
                          Field{"c_sb_mol_per_m3", start.c_sb_mol_per_m3, false, "mol/m3"},
                          Field{"fed_m3", start.fed_m3, true, "m3"}}) {
        if (!std::isfinite(f.value)) {
            bad(strf("start.%s is not a finite number", f.name));
        } else if (f.value < 0.0 || (!f.zero_ok && f.value == 0.0)) {
            bad(strf("start.%s must be %s, got %g %s", f.name, f.zero_ok ? "non-negative" : "positive",
                     f.value, f.unit));
        }
    }
    const double total = axis.total_charge_c();
    if (std::isfinite(start.charge_c) && start.charge_c >= total) {
        bad(strf(
            "start.charge_c %.6g C is at or beyond the profile's total charge %.6g C: nothing is left to "
            "deposit",
            start.charge_c, total));
    }
    return out;
}

Bolus resumed_bath(const StartState& start) noexcept {
    const double v = start.bath_volume_m3;
    return {start.fed_m3, model::BathState{v, start.c_bi_mol_per_m3 * v, start.c_sb_mol_per_m3 * v}};
}

DepositedBefore deposited_before(const PlanRequest& req, const ProfileAxis& axis, double charge_c) {
    DepositedBefore out;
    if (!(charge_c > 0.0)) return out;
    const auto& ch = req.cell.chemistry;
    const int n = std::max(req.steps, 2);
    const double h = charge_c / n;
    std::size_t cursor = 0;
    double x_prev = axis.at(0.0, cursor).x;
    for (int i = 1; i <= n; ++i) {
        const double x = axis.at(i == n ? charge_c : i * h, cursor).x;
        out.mol_mass_c +=
            0.5 * h * (model::molar_mass_kg_per_mol(ch, x_prev) + model::molar_mass_kg_per_mol(ch, x));
        out.x_c += 0.5 * h * (x_prev + x);
        x_prev = x;
    }
    return out;
}

void add_resume_warnings(const PlanRequest& req, FeedPlan& plan) {
    if (!req.start || plan.points.empty()) return;
    const auto& first = plan.points.front();
    const double off = first.x_predicted - first.x_target;
    if (std::abs(off) < on_track_x) return;
    // Where the deposit is back on the target (within on_track_x), if anywhere.
    const auto back = std::find_if(plan.points.begin(), plan.points.end(), [](const FeedPoint& p) {
        return std::abs(p.x_predicted - p.x_target) < on_track_x;
    });
    const std::string until = back == plan.points.end() ? std::string("to the top of the film")
                                                        : strf("until depth %.1f nm (t = %.1f s)",
                                                               units::m_to_nm(back->depth_m), back->t_s);
    if (off < 0.0) {
        plan.warnings.push_back(
            {"resume_bath_ahead",
             strf("at the resume point (depth %.1f nm, t = %.1f s) the bath deposits x_Bi %.4f, %.2f at.%% "
                  "below the target %.4f: it holds more B than the plan (%.3f mL fed so far) and B cannot "
                  "be taken back; the feed waits and the film stays below the target %s",
                  units::m_to_nm(first.depth_m), first.t_s, first.x_predicted, -100.0 * off, first.x_target,
                  units::m3_to_ml(first.fed_m3), until.c_str())});
    } else {
        plan.warnings.push_back(
            {"resume_catch_up",
             strf("at the resume point (depth %.1f nm, t = %.1f s) the bath deposits x_Bi %.4f, %.2f at.%% "
                  "above the target %.4f: it holds less B than the plan; the feed makes up the deficit at "
                  "up to the pump's maximum rate and the film is above the target %s",
                  units::m_to_nm(first.depth_m), first.t_s, first.x_predicted, 100.0 * off, first.x_target,
                  until.c_str())});
    }
}

}  // namespace edc::plan
