#pragma once
// Pre-dilution: the volume of feed B, dispensed before the current starts, that brings the
// bath's Bi:Sb ratio down to the one the bottom of the target profile needs.
#include <optional>

#include "control/model/cell_model.hpp"

namespace edc::plan {

// Bath after w_m3 of B has been fed with no current (mass balance of the cell's mode,
// integrated numerically).
[[nodiscard]] model::BathState bath_after_feed(const model::CellParams& p, const model::BathState& start,
                                               double w_m3) noexcept;

struct Bolus {
    double volume_m3 = 0.0;
    model::BathState bath;  // after the bolus
};

// The bolus that takes the initial bath to ratio c_Bi/c_Sb = target_ratio; nullopt when no
// amount of B gets there (target at or below feed B's own ratio). Zero when the bath is
// already at or below the target.
[[nodiscard]] std::optional<Bolus> pre_dilution_bolus(const model::CellParams& p,
                                                      double target_ratio) noexcept;

}  // namespace edc::plan
