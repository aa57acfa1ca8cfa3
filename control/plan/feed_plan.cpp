#include "control/plan/feed_plan.hpp"

#include <algorithm>
#include <cmath>

#include "control/model/units.hpp"
#include "control/text.hpp"

namespace edc::plan {

bool PlanFailure::has(const std::string& code) const noexcept {
    return std::any_of(issues.begin(), issues.end(), [&](const PlanIssue& i) { return i.code == code; });
}

std::string PlanFailure::summary() const {
    std::string out;
    for (const auto& i : issues) {
        if (!out.empty()) out += '\n';
        out += i.code + ": " + i.message;
    }
    return out;
}

Error PlanFailure::to_error() const {
    if (issues.empty()) return Error{"plan_failed", "the planner failed without a reason", {}};
    const auto& i = issues.front();
    std::string message = i.message;
    if (issues.size() > 1) message += strf(" (and %zu more issue(s))", issues.size() - 1);
    return Error{i.code, message, strf("depth %.1f nm, t = %.1f s", units::m_to_nm(i.depth_m), i.t_s)};
}

double FeedPlan::charge_step_c() const noexcept {
    return points.size() < 2
               ? 0.0
               : (points.back().charge_c - points.front().charge_c) / static_cast<double>(points.size() - 1);
}

template <class Field>
double FeedPlan::interpolate(double charge_c, Field field) const noexcept {
    if (points.empty()) return 0.0;
    if (points.size() == 1 || charge_c <= points.front().charge_c) return field(points.front());
    if (charge_c >= points.back().charge_c) return field(points.back());
    const double pos = (charge_c - points.front().charge_c) / charge_step_c();
    auto i = static_cast<std::size_t>(pos);
    if (i >= points.size() - 1) i = points.size() - 2;
    const double f = pos - static_cast<double>(i);
    return field(points[i]) + f * (field(points[i + 1]) - field(points[i]));
}

double FeedPlan::fed_at(double q) const noexcept {
    return interpolate(q, [](const FeedPoint& p) { return p.fed_m3; });
}
double FeedPlan::w_at(double q) const noexcept {
    return interpolate(q, [](const FeedPoint& p) { return p.w_m3_per_c; });
}
double FeedPlan::x_target_at(double q) const noexcept {
    return interpolate(q, [](const FeedPoint& p) { return p.x_target; });
}
double FeedPlan::depth_at(double q) const noexcept {
    return interpolate(q, [](const FeedPoint& p) { return p.depth_m; });
}
double FeedPlan::volume_at(double q) const noexcept {
    return interpolate(q, [](const FeedPoint& p) { return p.volume_m3; });
}

namespace {
// Linear interpolation of field against a monotone key (binary search).
template <class Key, class Field>
double lookup_sorted(const std::vector<FeedPoint>& pts, double key, Key k, Field f) noexcept {
    if (pts.empty()) return 0.0;
    if (key <= k(pts.front())) return f(pts.front());
    if (key >= k(pts.back())) return f(pts.back());
    const auto it =
        std::upper_bound(pts.begin(), pts.end(), key, [&](double v, const FeedPoint& p) { return v < k(p); });
    const auto& b = *it;
    const auto& a = *(it - 1);
    const double span = k(b) - k(a);
    const double t = span > 0.0 ? (key - k(a)) / span : 0.0;
    return f(a) + t * (f(b) - f(a));
}
}  // namespace

double FeedPlan::feed_rate_at_time(double t_s) const noexcept {
    if (points.empty() || t_s > points.back().t_s * (1.0 + 1e-9)) return 0.0;
    return lookup_sorted(
        points, t_s, [](const FeedPoint& p) { return p.t_s; },
        [](const FeedPoint& p) { return p.feed_rate_m3_per_s; });
}

double FeedPlan::x_target_at_depth(double depth_m) const noexcept {
    return lookup_sorted(
        points, depth_m, [](const FeedPoint& p) { return p.depth_m; },
        [](const FeedPoint& p) { return p.x_target; });
}

bool FeedPlan::has_warning(const std::string& code) const noexcept {
    return std::any_of(warnings.begin(), warnings.end(),
                       [&](const PlanWarning& w) { return w.code == code; });
}

}  // namespace edc::plan
