#pragma once
// What a syringe pump can actually run: limits, significant-digit resolution, minimum rate.
#include <cmath>

#include "control/plan/plan_request.hpp"

namespace edc::loop {

// Significant digits of the pump's rate setting from its relative resolution (1e-4 -> 4).
[[nodiscard]] inline int rate_significant_digits(double resolution_rel) noexcept {
    if (!(resolution_rel > 0.0)) return 15;
    const long d = std::lround(-std::log10(resolution_rel));
    return d < 1 ? 1 : (d > 15 ? 15 : static_cast<int>(d));
}

// Round a positive rate to significant digits.
[[nodiscard]] inline double quantise_rate(double q, int digits) noexcept {
    if (!(q > 0.0)) return 0.0;
    const double step = std::pow(10.0, std::floor(std::log10(q)) - (digits - 1));
    return std::round(q / step) * step;
}

// Clamp to [0, max], honour the minimum non-zero rate (below half of it: off), quantise.
[[nodiscard]] inline double pump_setting(double q, const plan::PumpLimits& pump, int digits) noexcept {
    if (!pump.present || !(q > 0.0)) return 0.0;
    if (pump.max_rate_m3_per_s > 0.0 && q > pump.max_rate_m3_per_s) q = pump.max_rate_m3_per_s;
    if (pump.min_rate_m3_per_s > 0.0 && q < pump.min_rate_m3_per_s) {
        q = q < 0.5 * pump.min_rate_m3_per_s ? 0.0 : pump.min_rate_m3_per_s;
    }
    // Pumps take rates in lab units: round as the display in mL/min would show it.
    constexpr double m3_per_s_per_ml_per_min = 1e-6 / 60.0;
    const double out = quantise_rate(q / m3_per_s_per_ml_per_min, digits) * m3_per_s_per_ml_per_min;
    return pump.max_rate_m3_per_s > 0.0 && out > pump.max_rate_m3_per_s ? pump.max_rate_m3_per_s : out;
}

}  // namespace edc::loop
