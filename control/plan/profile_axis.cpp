#include "control/plan/profile_axis.hpp"

#include <algorithm>
#include <cmath>

#include "control/model/units.hpp"
#include "control/text.hpp"

namespace edc::plan {

namespace {

bool positive(double v) {
    return std::isfinite(v) && v > 0.0;
}
bool non_negative(double v) {
    return std::isfinite(v) && v >= 0.0;
}

void check_request(const PlanRequest& req, std::vector<PlanIssue>& out) {
    const auto& ch = req.cell.chemistry;
    const auto& cell = req.cell.cell;
    const auto& dep = req.deposit;
    auto bad = [&](std::string msg) { out.push_back({issue::invalid_request, std::move(msg), 0.0, 0.0}); };
    if (!positive(dep.current_density_a_per_m2))
        bad(strf("current density must be positive, got %g A/m2", dep.current_density_a_per_m2));
    if (!positive(cell.electrode_area_m2))
        bad(strf("electrode area must be positive, got %g m2", cell.electrode_area_m2));
    if (!positive(ch.current_efficiency) || ch.current_efficiency > 1.0)
        bad(strf("current efficiency must be in (0, 1], got %g", ch.current_efficiency));
    if (!positive(ch.packing_fraction) || ch.packing_fraction > 1.0)
        bad(strf("packing fraction must be in (0, 1], got %g", ch.packing_fraction));
    if (ch.electrons <= 0) bad(strf("electrons per ion must be positive, got %d", ch.electrons));
    if (!positive(cell.initial_volume_m3))
        bad(strf("initial volume must be positive, got %g mL", units::m3_to_ml(cell.initial_volume_m3)));
    if (!(cell.max_volume_m3 >= cell.initial_volume_m3))
        bad(strf("cell maximum volume %.3g mL is below the initial volume %.3g mL",
                 units::m3_to_ml(cell.max_volume_m3), units::m3_to_ml(cell.initial_volume_m3)));
    if (!positive(ch.bath_a.sb_mol_per_m3) || !non_negative(ch.bath_a.bi_mol_per_m3))
        bad(strf("bath A needs Sb > 0 and Bi >= 0, got Bi %g mM, Sb %g mM", ch.bath_a.bi_mol_per_m3,
                 ch.bath_a.sb_mol_per_m3));
    if (!positive(ch.feed_b.sb_mol_per_m3) || !non_negative(ch.feed_b.bi_mol_per_m3))
        bad(strf("feed B needs Sb > 0 and Bi >= 0, got Bi %g mM, Sb %g mM", ch.feed_b.bi_mol_per_m3,
                 ch.feed_b.sb_mol_per_m3));
    if (!positive(ch.bi.molar_volume_m3_per_mol) || !positive(ch.sb.molar_volume_m3_per_mol))
        bad("molar volumes must be positive");
    switch (dep.basis) {
        case DepositBasis::duration:
            if (!positive(dep.duration_s)) bad(strf("duration must be positive, got %g s", dep.duration_s));
            break;
        case DepositBasis::charge:
            if (!positive(dep.charge_c_per_m2))
                bad(strf("charge must be positive, got %g C/m2", dep.charge_c_per_m2));
            break;
        case DepositBasis::thickness:
            if (!positive(dep.thickness_m))
                bad(strf("thickness must be positive, got %g nm", units::m_to_nm(dep.thickness_m)));
            break;
    }
    if (req.steps < 2 || req.steps > 1'000'000) bad(strf("plan steps must be in 2..1e6, got %d", req.steps));
}

void check_profile_shape(const std::vector<ProfilePoint>& prof, std::vector<PlanIssue>& out) {
    auto bad = [&](std::string msg) { out.push_back({issue::invalid_profile, std::move(msg), 0.0, 0.0}); };
    if (prof.size() < 2) {
        bad(strf("the target profile needs at least 2 points (bottom and top), got %zu", prof.size()));
        return;
    }
    for (std::size_t i = 0; i < prof.size(); ++i) {
        const auto& p = prof[i];
        if (!std::isfinite(p.depth_fraction) || !std::isfinite(p.x_bi)) {
            bad(strf("profile point %zu is not a finite number", i + 1));
        } else if (p.x_bi < 0.0 || p.x_bi > 1.0) {
            bad(strf("profile point %zu at depth fraction %g: x_Bi %g is outside [0, 1]", i + 1,
                     p.depth_fraction, p.x_bi));
        }
        if (i > 0 && !(p.depth_fraction > prof[i - 1].depth_fraction)) {
            bad(strf("profile point %zu: depth fraction %g does not increase from the previous %g", i + 1,
                     p.depth_fraction, prof[i - 1].depth_fraction));
        }
    }
    if (prof.front().depth_fraction != 0.0)
        bad(strf("the profile must start at depth fraction 0 (substrate), starts at %g",
                 prof.front().depth_fraction));
    if (prof.back().depth_fraction != 1.0)
        bad(strf("the profile must end at depth fraction 1 (top), ends at %g", prof.back().depth_fraction));
}

// integral of ds / Vm over a segment where Vm goes linearly from vm0 to vm1 over ds
double inverse_vm_integral(double ds, double vm0, double vm1) {
    const double d = (vm1 - vm0) / vm0;
    if (std::abs(d) < 1e-12) return ds / vm0;
    return ds / vm0 * std::log1p(d) / d;
}

}  // namespace

std::expected<ProfileAxis, std::vector<PlanIssue>> ProfileAxis::build(const PlanRequest& req) {
    std::vector<PlanIssue> issues;
    check_request(req, issues);
    check_profile_shape(req.deposit.profile, issues);
    if (!issues.empty()) return std::unexpected(std::move(issues));

    const auto& ch = req.cell.chemistry;
    const auto& prof = req.deposit.profile;
    const double area = req.cell.cell.electrode_area_m2;
    const double a = model::metal_mol_per_coulomb(ch);

    ProfileAxis ax;
    ax.current_ = req.deposit.current_density_a_per_m2 * area;
    double inv_vm_total = 0.0;  // integral_0^1 ds / Vm(x*(s))
    for (std::size_t i = 1; i < prof.size(); ++i) {
        Segment g{};
        g.s0 = prof[i - 1].depth_fraction;
        g.s1 = prof[i].depth_fraction;
        g.x0 = prof[i - 1].x_bi;
        g.x1 = prof[i].x_bi;
        g.dx_ds = (g.x1 - g.x0) / (g.s1 - g.s0);
        g.vm0 = model::molar_volume_m3_per_mol(ch, g.x0);
        g.dvm_ds = (model::molar_volume_m3_per_mol(ch, g.x1) - g.vm0) / (g.s1 - g.s0);
        g.q0 = inv_vm_total;  // scaled by c below
        inv_vm_total += inverse_vm_integral(g.s1 - g.s0, g.vm0, model::molar_volume_m3_per_mol(ch, g.x1));
        g.q1 = inv_vm_total;
        ax.segs_.push_back(g);
    }

    const double ap = area * ch.packing_fraction;
    switch (req.deposit.basis) {
        case DepositBasis::duration:
            ax.total_charge_ = ax.current_ * req.deposit.duration_s;
            break;
        case DepositBasis::charge:
            ax.total_charge_ = req.deposit.charge_c_per_m2 * area;
            break;
        case DepositBasis::thickness:
            ax.total_charge_ = ap * req.deposit.thickness_m * inv_vm_total / a;
            break;
    }
    ax.thickness_ = a * ax.total_charge_ / (ap * inv_vm_total);
    ax.c_ = ap * ax.thickness_ / a;
    for (auto& g : ax.segs_) {
        g.q0 *= ax.c_;
        g.q1 *= ax.c_;
    }
    ax.segs_.back().q1 = ax.total_charge_;

    // B carries no more Bi than the bath can lose: x* may only fall toward the top.
    for (std::size_t i = 0; i < ax.segs_.size(); ++i) {
        const auto& g = ax.segs_[i];
        if (g.x1 > g.x0) {
            issues.push_back(
                {issue::profile_increases,
                 strf("target x_Bi rises from %.4f to %.4f between depth %.1f nm and %.1f nm "
                      "(t = %.1f..%.1f s): feed B cannot add Bi, so x_Bi must not increase toward the top",
                      g.x0, g.x1, units::m_to_nm(g.s0 * ax.thickness_), units::m_to_nm(g.s1 * ax.thickness_),
                      g.q0 / ax.current_, g.q1 / ax.current_),
                 g.s0 * ax.thickness_, g.q0 / ax.current_});
        }
    }
    if (!issues.empty()) return std::unexpected(std::move(issues));
    return ax;
}

double ProfileAxis::min_x() const noexcept {
    double m = segs_.front().x0;
    for (const auto& g : segs_) m = std::min(m, g.x1);
    return m;
}

ProfileAxis::Sample ProfileAxis::at(double q, std::size_t& cursor) const noexcept {
    q = std::clamp(q, 0.0, total_charge_);
    if (cursor >= segs_.size() || q < segs_[cursor].q0) {
        const auto it = std::upper_bound(segs_.begin(), segs_.end(), q,
                                         [](double v, const Segment& g) { return v < g.q1; });
        cursor = it == segs_.end() ? segs_.size() - 1 : static_cast<std::size_t>(it - segs_.begin());
    }
    while (cursor + 1 < segs_.size() && q > segs_[cursor].q1) ++cursor;
    const auto& g = segs_[cursor];
    // Vm(s) = vm0 exp(dvm_ds (Q - q0) / c) inverts Q(s) - q0 = (c / dvm_ds) ln(Vm(s) / vm0).
    const double y = (q - g.q0) / c_;
    const double ds = g.dvm_ds == 0.0 ? g.vm0 * y : g.vm0 * std::expm1(g.dvm_ds * y) / g.dvm_ds;
    Sample out;
    out.s = std::min(g.s0 + ds, g.s1);
    out.x = g.x0 + g.dx_ds * (out.s - g.s0);
    const double vm = g.vm0 + g.dvm_ds * (out.s - g.s0);
    out.dq_ds = c_ / vm;
    out.dx_dq = g.dx_ds / out.dq_ds;
    return out;
}

}  // namespace edc::plan

namespace edc::plan {

double ProfileAxis::charge_at_fraction(double s) const noexcept {
    s = std::clamp(s, 0.0, 1.0);
    const auto it =
        std::upper_bound(segs_.begin(), segs_.end(), s, [](double v, const Segment& g) { return v < g.s1; });
    const auto& g = it == segs_.end() ? segs_.back() : *it;
    const double ds = s - g.s0;
    const double d = g.dvm_ds * ds / g.vm0;
    const double integral = std::abs(d) < 1e-12 ? ds / g.vm0 : ds / g.vm0 * std::log1p(d) / d;
    return std::min(g.q0 + c_ * integral, total_charge_);
}

std::optional<double> ProfileAxis::first_fraction_at_or_below(double x) const noexcept {
    if (segs_.front().x0 <= x) return 0.0;
    for (const auto& g : segs_) {
        if (g.x1 <= x) return g.s0 + (x - g.x0) / g.dx_ds;  // dx_ds < 0 here: x0 > x >= x1
    }
    return std::nullopt;
}

}  // namespace edc::plan
