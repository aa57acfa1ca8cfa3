#pragma once
// The target profile x*(depth fraction s), piecewise linear, mapped onto the charge axis.
// Growth per coulomb depends on composition (Vegard molar volume), so charge is not linear in
// depth: dQ/ds = c / Vm(x*(s)) with c = A p H / a. On a segment Vm is linear in s, which makes
// Q(s) a logarithm and s(Q) an exponential: both exact, no quadrature.
#include <cstddef>
#include <expected>
#include <optional>
#include <vector>

#include "control/plan/feed_plan.hpp"
#include "control/plan/plan_request.hpp"

namespace edc::plan {

class ProfileAxis {
public:
    struct Sample {
        double s = 0.0;      // depth fraction
        double x = 0.0;      // target Bi fraction
        double dx_dq = 0.0;  // per coulomb
        double dq_ds = 0.0;  // coulombs per unit depth fraction
    };

    // Validates the request and profile (invalid_request, invalid_profile, profile_increases)
    // and fixes thickness and charge from the deposit basis.
    static std::expected<ProfileAxis, std::vector<PlanIssue>> build(const PlanRequest& req);

    [[nodiscard]] double total_charge_c() const noexcept { return total_charge_; }
    [[nodiscard]] double thickness_m() const noexcept { return thickness_; }
    [[nodiscard]] double nominal_current_a() const noexcept { return current_; }
    [[nodiscard]] double x_bottom() const noexcept { return segs_.front().x0; }
    [[nodiscard]] double x_top() const noexcept { return segs_.back().x1; }
    [[nodiscard]] double min_x() const noexcept;
    // Charge at which depth fraction s is reached.
    [[nodiscard]] double charge_at_fraction(double s) const noexcept;
    // First depth fraction at which the target falls to x or below; nullopt if never.
    [[nodiscard]] std::optional<double> first_fraction_at_or_below(double x) const noexcept;

    // The target at a charge. cursor caches the segment: calls with non-decreasing charge
    // cost O(1) each; a decrease falls back to a binary search.
    [[nodiscard]] Sample at(double charge_c, std::size_t& cursor) const noexcept;

private:
    struct Segment {
        double s0, s1, x0, x1;
        double q0, q1;       // charge at s0, s1
        double vm0, dvm_ds;  // molar volume at s0 and its slope in s
        double dx_ds;
    };
    std::vector<Segment> segs_;
    double c_ = 0.0;  // A p H / a, m3 per (mol/C)... so that dQ/ds = c / Vm
    double total_charge_ = 0.0;
    double thickness_ = 0.0;
    double current_ = 0.0;
};

}  // namespace edc::plan
