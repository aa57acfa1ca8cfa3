#include "control/twin/profile_recorder.hpp"

#include <algorithm>

namespace edc::twin {

ProfileRecorder::ProfileRecorder(double planned_thickness_m, int bins)
    : bin_height_(planned_thickness_m / std::max(1, bins)),
      mol_(static_cast<std::size_t>(std::max(1, bins)), 0.0),
      mol_x_(static_cast<std::size_t>(std::max(1, bins)), 0.0) {}

void ProfileRecorder::deposit(double dh, double mol, double x) noexcept {
    const double mid = height_ + 0.5 * dh;
    height_ += dh;
    // a film slightly thicker than planned (composition off) lands in the top bin
    const auto i = std::min(mol_.size() - 1, static_cast<std::size_t>(std::max(0.0, mid / bin_height_)));
    mol_[i] += mol;
    mol_x_[i] += mol * x;
}

std::vector<TwinProfilePoint> ProfileRecorder::profile(const plan::FeedPlan& plan) const {
    std::vector<TwinProfilePoint> out;
    out.reserve(mol_.size());
    for (std::size_t i = 0; i < mol_.size(); ++i) {
        if (!(mol_[i] > 0.0)) continue;
        const double depth = (static_cast<double>(i) + 0.5) * bin_height_;
        out.push_back({depth, plan.x_target_at_depth(depth), mol_x_[i] / mol_[i]});
    }
    return out;
}

}  // namespace edc::twin
