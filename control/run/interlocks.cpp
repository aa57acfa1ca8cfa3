#include "control/run/interlocks.hpp"

#include <cmath>

namespace edc::run {

std::optional<InterlockReport> check_interlocks(const InterlockLimits& l, const InterlockInputs& in) noexcept {
    if (!std::isfinite(in.potential_v) || std::fabs(in.potential_v) > l.max_abs_potential_v) {
        return InterlockReport{InterlockTrip::potential_limit, in.potential_v, l.max_abs_potential_v};
    }
    if (in.in_compliance) return InterlockReport{InterlockTrip::compliance, in.potential_v, l.max_abs_potential_v};
    if (l.max_abs_current_a > 0.0 && (!std::isfinite(in.current_a) || std::fabs(in.current_a) > l.max_abs_current_a)) {
        return InterlockReport{InterlockTrip::overcurrent, in.current_a, l.max_abs_current_a};
    }
    if (l.syringe_volume_m3 > 0.0 && in.dispensed_m3 > l.syringe_volume_m3) {
        return InterlockReport{InterlockTrip::syringe_empty, in.dispensed_m3, l.syringe_volume_m3};
    }
    if (l.max_cell_volume_m3 > 0.0 && in.cell_volume_m3 > l.max_cell_volume_m3) {
        return InterlockReport{InterlockTrip::cell_overflow, in.cell_volume_m3, l.max_cell_volume_m3};
    }
    return std::nullopt;
}

std::string_view to_string(InterlockTrip t) noexcept {
    switch (t) {
        case InterlockTrip::potential_limit: return "potential_limit";
        case InterlockTrip::compliance: return "compliance_trip";
        case InterlockTrip::overcurrent: return "overcurrent";
        case InterlockTrip::syringe_empty: return "syringe_empty";
        case InterlockTrip::cell_overflow: return "cell_overflow";
    }
    return "?";
}

}  // namespace edc::run
