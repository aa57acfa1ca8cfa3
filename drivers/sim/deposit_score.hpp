#pragma once
// One way to judge a deposited film against its target, used by `edc run --sim`'s summary and
// by `edc simulate`: the film's layers binned by *fractional* depth of the film as it truly
// grew (height / true thickness), each bin's mole-weighted composition compared with the
// target at the same fraction of the planned thickness. A plant with another efficiency makes
// a thinner or thicker film; the target is defined over the film's own depth fraction.
#include <cstddef>
#include <functional>
#include <vector>

#include "drivers/sim/sim_cell.hpp"

namespace edc::sim {

struct ScoredBin {
    double fraction = 0.0;  // bin centre, 0 at the substrate, 1 at the top
    double height_m = 0.0;  // bin centre in the true film
    double x_target = 0.0;
    double x_deposited = 0.0;
};

struct DepositScore {
    std::vector<ScoredBin> bins;  // bins that received metal, from the substrate up
    double rms_x_bi = 0.0;        // fraction: 0.0025 = 0.25 at.%
    double max_abs_x_bi = 0.0;
    double thickness_m = 0.0;  // the true film
    double mean_x_bi = 0.0;    // mole-weighted over the whole film
    double metal_mol = 0.0;
};

// The film as it stood when `charge_c` of cathodic charge had passed (the last layer cut in
// proportion). A simulated run's stopping phase keeps the current on for the host's reaction
// time, which at --speed 50 is seconds of simulated deposition: a speed artefact, cut off here.
[[nodiscard]] std::vector<DepositLayer> layers_up_to_charge(const std::vector<DepositLayer>& layers,
                                                            double charge_c);

// `target(f)` is the target Bi fraction at fraction f (0..1) of the planned thickness, e.g.
// [&](double f) { return plan.x_target_at_depth(f * plan.totals.thickness_m); }.
// Layers are split across bin edges in proportion to their thickness. No layers: all zero.
[[nodiscard]] DepositScore score_deposit(const std::vector<DepositLayer>& layers,
                                         const std::function<double(double)>& target, std::size_t bins = 200);

}  // namespace edc::sim
