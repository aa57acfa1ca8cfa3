#pragma once
// Bins what deposits by depth (bins over the planned thickness) and reports the
// mole-weighted composition of each bin against the plan's target there.
#include <vector>

#include "control/plan/feed_plan.hpp"
#include "control/twin/twin.hpp"

namespace edc::twin {

class ProfileRecorder {
public:
    ProfileRecorder(double planned_thickness_m, int bins);
    // A layer of thickness dh holding mol moles of composition x on top of the film.
    void deposit(double dh_m, double mol, double x_bi) noexcept;
    [[nodiscard]] double thickness_m() const noexcept { return height_; }
    // Bins that received metal; depth at the bin centre.
    [[nodiscard]] std::vector<TwinProfilePoint> profile(const plan::FeedPlan& plan) const;

private:
    double bin_height_;
    double height_ = 0.0;
    std::vector<double> mol_;
    std::vector<double> mol_x_;
};

}  // namespace edc::twin
