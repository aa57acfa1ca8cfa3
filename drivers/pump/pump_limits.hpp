#pragma once
// What a pump model can deliver on a syringe: the drive's plunger-speed range times the bore's
// area. edc checks a recipe's planned rates against it when the recipe is loaded (`edc plan`,
// RunSession::create), so a plan the pump cannot follow is refused before anything is energised.
//
// The figures are the ones the simulators (drivers/sim, an independent reading of the manuals)
// use; tests/integration/test_pump_limits.cpp checks both agree. The Harvard driver also reads
// the pump's own `irate lim` at run start, which wins on a real bench.
#include <string_view>

#include "control/error.hpp"

namespace edc {

struct PlungerSpeedRange {
    double min_m_per_s = 0.0;
    double max_m_per_s = 0.0;
};

struct PumpRateRange {
    double min_m3_per_s = 0.0;
    double max_m3_per_s = 0.0;
};

// A registry entry's plunger-speed range (instrument_registry.hpp). Error "unknown_model" (listing
// model_names(pump)) otherwise.
[[nodiscard]] Result<PlungerSpeedRange> plunger_speed_range(std::string_view model);

// Rate range on a syringe of inner diameter `inner_diameter_m` (> 0).
[[nodiscard]] Result<PumpRateRange> pump_rate_range(std::string_view model, double inner_diameter_m);

// Error "out_of_range" when `planned_max_m3_per_s` exceeds the model's top rate on that bore; the
// message names the model, the diameter (mm), the planned peak and the limit (mL/min).
[[nodiscard]] Result<void> check_planned_rate(std::string_view model, double inner_diameter_m,
                                              double planned_max_m3_per_s);

}  // namespace edc
