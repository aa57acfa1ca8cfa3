#include "app/sim/twin_plant.hpp"

#include <algorithm>
#include <utility>

#include "drivers/sim/deposit_score.hpp"

namespace edc::app {

SimTwinPlant::SimTwinPlant(sim::PlantChemistry plant, double told_syringe_diameter_m,
                           double layer_thickness_m)
    : bath_(std::move(plant)), layer_thickness_m_(layer_thickness_m) {
    const double true_d = bath_.chemistry().syringe_diameter_m;
    if (true_d > 0.0 && told_syringe_diameter_m > 0.0) {
        feed_scale_ = (true_d / told_syringe_diameter_m) * (true_d / told_syringe_diameter_m);
    }
}

void SimTwinPlant::prime(const plan::FeedPlan& plan) {
    bath_.pour(plan.prebolus_m3 * feed_scale_);
}

twin::PlantStep SimTwinPlant::advance(double h_s, double current_a, double feed_m3_per_s) {
    const double r = sim::plant_metal_rate_mol_per_s(bath_.chemistry(), current_a);
    const double bi = bath_.advance(h_s, feed_m3_per_s * feed_scale_, r);
    if (r <= 0.0) return {};
    const double dn = r * h_s;
    const double x = std::clamp(bi / dn, 0.0, 1.0);
    const double n = growing_.metal_mol + dn;
    growing_.x_bi = (growing_.x_bi * growing_.metal_mol + x * dn) / n;
    growing_.metal_mol = n;
    growing_.charge_c += current_a * h_s;
    growing_.thickness_m = sim::plant_layer_thickness_m(bath_.chemistry(), n, growing_.x_bi);
    if (growing_.thickness_m >= layer_thickness_m_) {
        layers_.push_back(growing_);
        growing_ = {};
    }
    return {dn, x, sim::plant_layer_thickness_m(bath_.chemistry(), dn, x)};
}

std::vector<sim::DepositLayer> SimTwinPlant::layers() const {
    auto out = layers_;
    if (growing_.metal_mol > 0.0) out.push_back(growing_);
    return out;
}

sim::DepositScore judge_against_plant(twin::TwinResult& result, const SimTwinPlant& plant,
                                      const plan::FeedPlan& plan, int bins) {
    auto score = sim::score_deposit(
        plant.layers(), [&plan](double f) { return plan.x_target_at_depth(f * plan.totals.thickness_m); },
        static_cast<std::size_t>(std::max(1, bins)));
    result.profile.clear();
    for (const auto& b : score.bins) result.profile.push_back({b.height_m, b.x_target, b.x_deposited});
    result.rms_x_bi = score.rms_x_bi;
    result.max_abs_x_bi = score.max_abs_x_bi;
    result.totals.thickness_m = score.thickness_m;
    return score;
}

}  // namespace edc::app
