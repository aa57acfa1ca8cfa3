#include "drivers/pump/pump_limits.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "control/model/units.hpp"
#include "control/text.hpp"
#include "drivers/registry/instrument_registry.hpp"

namespace edc {

// The figures are the registry entries' (instrument_registry.cpp).
Result<PlungerSpeedRange> plunger_speed_range(std::string_view model) {
    auto m = lookup_instrument(model, InstrumentKind::pump, "pump_rate_range");
    if (!m) return std::unexpected(m.error());
    return (*m)->plunger_speed;
}

Result<PumpRateRange> pump_rate_range(std::string_view model, double inner_diameter_m) {
    auto speed = plunger_speed_range(model);
    if (!speed) return std::unexpected(speed.error());
    if (!std::isfinite(inner_diameter_m) || inner_diameter_m <= 0.0) {
        return fail("out_of_range", strf("syringe diameter %g mm must be positive", inner_diameter_m * 1e3),
                    "pump_rate_range");
    }
    const double area_m2 = std::numbers::pi * inner_diameter_m * inner_diameter_m / 4.0;
    return PumpRateRange{speed->min_m_per_s * area_m2, speed->max_m_per_s * area_m2};
}

Result<void> check_planned_rate(std::string_view model, double inner_diameter_m,
                                double planned_max_m3_per_s) {
    auto range = pump_rate_range(model, inner_diameter_m);
    if (!range) return std::unexpected(range.error());
    if (planned_max_m3_per_s <= range->max_m3_per_s) return {};
    const std::string name(model);
    return fail("out_of_range",
                strf("planned peak rate %.4g mL/min exceeds what a %s can pump on a %.4g mm syringe "
                     "(%.4g mL/min at most); use a wider syringe or a plan that needs less",
                     units::m3_per_s_to_ml_per_min(planned_max_m3_per_s), name.c_str(),
                     inner_diameter_m / units::m_per_mm, units::m3_per_s_to_ml_per_min(range->max_m3_per_s)),
                "pump.max_rate");
}

}  // namespace edc
