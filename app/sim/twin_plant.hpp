#pragma once
// The digital twin's plant for `edc simulate`: the independent simulated chemistry
// (drivers/sim/plant_chemistry.hpp) behind control/twin's Plant interface, recording the
// deposit as layers like the simulated instruments' cell, so the film is judged against the
// plant's truth with the one scoring function (drivers/sim/deposit_score.hpp).
#include <vector>

#include "control/plan/feed_plan.hpp"
#include "control/twin/twin.hpp"
#include "drivers/sim/deposit_score.hpp"
#include "drivers/sim/plant_chemistry.hpp"
#include "drivers/sim/sim_cell.hpp"

namespace edc::app {

class SimTwinPlant final : public twin::Plant {
public:
    // told_syringe_diameter_m: the bore the pump counts for (the recipe's); with the plant's
    // own syringe_diameter_m the bath receives the counted volume times (true / told)^2.
    SimTwinPlant(sim::PlantChemistry plant, double told_syringe_diameter_m, double layer_thickness_m = 1e-9);

    void prime(const plan::FeedPlan& plan) override;
    twin::PlantStep advance(double h_s, double current_a, double feed_m3_per_s) override;
    [[nodiscard]] double volume_m3() const override { return bath_.volume_m3(); }

    // Layers from the substrate up, the last one possibly still growing.
    [[nodiscard]] std::vector<sim::DepositLayer> layers() const;
    [[nodiscard]] const sim::PlantBath& bath() const noexcept { return bath_; }

private:
    sim::PlantBath bath_;
    double feed_scale_ = 1.0;
    double layer_thickness_m_;
    std::vector<sim::DepositLayer> layers_;
    sim::DepositLayer growing_;
};

// Replaces the twin's own profile and error with the plant's film judged by
// sim::score_deposit against the plan's target (fractional depth), and its thickness; returns
// the score (mean composition, metal).
sim::DepositScore judge_against_plant(twin::TwinResult& result, const SimTwinPlant& plant,
                                      const plan::FeedPlan& plan, int bins);

}  // namespace edc::app
