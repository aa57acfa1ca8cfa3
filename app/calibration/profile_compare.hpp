#pragma once
// A measured depth profile against the recipe's target and the controller's prediction
// (`edc compare`, the GUI's History screen).
//
// The target x*(s) is the recipe's profile over depth fraction s (0 = substrate, 1 = top); a
// measured point at depth d is compared with x*(d / T_measured), T_measured being the
// profile's own extent (its top point), so a film thicker or thinner than planned (current
// efficiency off) is still compared layer for layer. The prediction is the controller's
// journaled record (sample depth and predicted x_Bi), read the same way over its own
// thickness (the last sample's depth).
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "app/calibration/depth_profile.hpp"
#include "app/journal/journal_records.hpp"
#include "control/error.hpp"
#include "control/plan/plan_request.hpp"

namespace edc::calibration {

struct ComparedPoint {
    double depth_m = 0.0;
    double x_measured = 0.0;
    double x_target = 0.0;
    double x_predicted = 0.0;  // at the same depth fraction of the predicted film
};

struct ProfileComparison {
    std::vector<ComparedPoint> points;
    double rms_error_at_pct = 0.0;  // measured - target, at.% Bi (= 100 x fraction)
    double max_error_at_pct = 0.0;  // largest |measured - target|
    double max_error_depth_m = 0.0;
    double rms_vs_predicted_at_pct = 0.0;
    double thickness_m_measured = 0.0;
    double thickness_m_predicted = 0.0;
    // Depth-weighted (trapezoid over each profile's own points) for all three alike.
    double mean_x_bi_measured = 0.0;
    double mean_x_bi_predicted = 0.0;
    double mean_x_bi_target = 0.0;
};

// Linear between the recipe's points, held flat outside them.
[[nodiscard]] double target_at_fraction(std::span<const plan::ProfilePoint> target, double s) noexcept;

// The controller's record as a profile: (depth_m, x_bi_predicted) of each sample that adds
// depth, starting from the last sample at depth 0 (the bath as the current starts). Fewer than
// 2 points: empty.
[[nodiscard]] DepthProfile predicted_profile(std::span<const journal::JournalSample> samples);

// Errors (code "nothing_to_compare"): the measured profile has fewer than 2 points or no
// extent; the prediction is empty; the target has no points.
[[nodiscard]] Result<ProfileComparison> compare_profiles(const DepthProfile& measured,
                                                         std::span<const plan::ProfilePoint> target,
                                                         const DepthProfile& predicted);

}  // namespace edc::calibration
