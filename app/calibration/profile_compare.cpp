#include "app/calibration/profile_compare.hpp"

#include <algorithm>
#include <cmath>

namespace edc::calibration {
namespace {

// Linear interpolation in depth, held flat beyond the ends. points.size() >= 1.
double x_at_depth(const std::vector<ProfilePoint>& points, double depth_m) {
    if (depth_m <= points.front().depth_m) return points.front().x_bi;
    if (depth_m >= points.back().depth_m) return points.back().x_bi;
    const auto hi = std::upper_bound(points.begin(), points.end(), depth_m,
                                     [](double d, const ProfilePoint& p) { return d < p.depth_m; });
    const auto lo = std::prev(hi);
    const double f = (depth_m - lo->depth_m) / (hi->depth_m - lo->depth_m);
    return lo->x_bi + f * (hi->x_bi - lo->x_bi);
}

// Trapezoid mean over the points' own depth span.
template <class X>
double depth_weighted_mean(const std::vector<ComparedPoint>& points, X x) {
    double sum = 0.0;
    double span = 0.0;
    for (std::size_t i = 1; i < points.size(); ++i) {
        const double dz = points[i].depth_m - points[i - 1].depth_m;
        sum += dz * 0.5 * (x(points[i]) + x(points[i - 1]));
        span += dz;
    }
    return span > 0.0 ? sum / span : x(points.front());
}

double mean_of(const DepthProfile& profile) {
    const auto& p = profile.points;
    double sum = 0.0;
    for (std::size_t i = 1; i < p.size(); ++i)
        sum += (p[i].depth_m - p[i - 1].depth_m) * 0.5 * (p[i].x_bi + p[i - 1].x_bi);
    const double span = p.back().depth_m - p.front().depth_m;
    return span > 0.0 ? sum / span : p.front().x_bi;
}

}  // namespace

double target_at_fraction(std::span<const plan::ProfilePoint> target, double s) noexcept {
    if (target.empty()) return 0.0;
    if (s <= target.front().depth_fraction) return target.front().x_bi;
    for (std::size_t i = 1; i < target.size(); ++i) {
        const auto& a = target[i - 1];
        const auto& b = target[i];
        if (s <= b.depth_fraction) {
            const double w = b.depth_fraction - a.depth_fraction;
            return w > 0.0 ? a.x_bi + (s - a.depth_fraction) / w * (b.x_bi - a.x_bi) : b.x_bi;
        }
    }
    return target.back().x_bi;
}

DepthProfile predicted_profile(std::span<const journal::JournalSample> samples) {
    DepthProfile out;
    out.source = "controller's record";
    for (const auto& s : samples) {
        if (!(s.depth_m >= 0.0) || !std::isfinite(s.x_bi_predicted)) continue;
        if (!out.points.empty() && !(s.depth_m > out.points.back().depth_m)) {
            // Before the current starts the depth stays 0: the latest such sample is what the
            // controller expected the first layer to be.
            if (s.depth_m == 0.0) out.points.back().x_bi = s.x_bi_predicted;
            continue;
        }
        out.points.push_back({s.depth_m, s.x_bi_predicted});
    }
    if (out.points.size() < 2) out.points.clear();
    return out;
}

Result<ProfileComparison> compare_profiles(const DepthProfile& measured,
                                           std::span<const plan::ProfilePoint> target,
                                           const DepthProfile& predicted) {
    if (measured.points.size() < 2 || !(measured.points.back().depth_m > 0.0)) {
        return fail("nothing_to_compare",
                    "the measured profile needs at least 2 points over a non-zero depth", measured.source);
    }
    if (predicted.points.size() < 2) {
        return fail("nothing_to_compare",
                    "the run recorded no deposition (no sample with a depth): nothing to compare");
    }
    if (target.empty()) return fail("nothing_to_compare", "the recipe has no target profile");

    ProfileComparison c;
    c.thickness_m_measured = measured.points.back().depth_m;
    c.thickness_m_predicted = predicted.points.back().depth_m;
    double sum_sq = 0.0;
    double sum_sq_predicted = 0.0;
    c.points.reserve(measured.points.size());
    for (const auto& m : measured.points) {
        const double s = m.depth_m / c.thickness_m_measured;
        ComparedPoint p{m.depth_m, m.x_bi, target_at_fraction(target, s),
                        x_at_depth(predicted.points, s * c.thickness_m_predicted)};
        const double e = p.x_measured - p.x_target;
        sum_sq += e * e;
        sum_sq_predicted += (p.x_measured - p.x_predicted) * (p.x_measured - p.x_predicted);
        if (std::fabs(e) * 100.0 > c.max_error_at_pct) {
            c.max_error_at_pct = std::fabs(e) * 100.0;
            c.max_error_depth_m = m.depth_m;
        }
        c.points.push_back(p);
    }
    const auto n = static_cast<double>(c.points.size());
    c.rms_error_at_pct = 100.0 * std::sqrt(sum_sq / n);
    c.rms_vs_predicted_at_pct = 100.0 * std::sqrt(sum_sq_predicted / n);
    c.mean_x_bi_measured = depth_weighted_mean(c.points, [](const ComparedPoint& p) { return p.x_measured; });
    c.mean_x_bi_target = depth_weighted_mean(c.points, [](const ComparedPoint& p) { return p.x_target; });
    c.mean_x_bi_predicted = mean_of(predicted);
    return c;
}

}  // namespace edc::calibration
