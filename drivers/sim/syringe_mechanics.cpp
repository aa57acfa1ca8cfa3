#include "drivers/sim/syringe_mechanics.hpp"

#include <algorithm>
#include <numbers>

#include "drivers/sim/sim_cell.hpp"

namespace edc::sim {

RateLimits syringe_rate_limits(double min_speed_m_per_s, double max_speed_m_per_s,
                               double diameter_m) noexcept {
    const double area_m2 = std::numbers::pi * diameter_m * diameter_m / 4.0;
    return {min_speed_m_per_s * area_m2, max_speed_m_per_s * area_m2};
}

bool rate_within(const RateLimits& limits, double rate_m3_per_s) noexcept {
    return rate_m3_per_s >= limits.min_m3_per_s * (1.0 - 1e-9) &&
           rate_m3_per_s <= limits.max_m3_per_s * (1.0 + 1e-9);
}

PlungerStep move_plunger(SyringeVolumes& v, const PlungerMotion& motion, double dt_s) noexcept {
    PlungerStep step;
    if (dt_s <= 0.0) return step;
    double dv = motion.rate_m3_per_s * dt_s;
    if (motion.infusing && dv >= v.content_m3) {
        dv = v.content_m3;
        step.emptied = true;
    }
    if (motion.target_m3 > 0.0 && v.run_m3 + dv >= motion.target_m3) {
        dv = std::max(0.0, motion.target_m3 - v.run_m3);
        step.target_reached = true;
        step.emptied = step.emptied && dv >= v.content_m3;  // stopped short of the end
    }
    if (motion.infusing) {
        v.infused_m3 += dv;
        v.content_m3 -= dv;
    } else {
        v.withdrawn_m3 += dv;
        v.content_m3 = std::min(motion.capacity_m3, v.content_m3 + dv);
    }
    v.run_m3 += dv;
    step.moved_m3 = dv;
    return step;
}

void drive_feed(SimCell& cell, bool running, const PlungerMotion& motion, double diameter_m) {
    cell.set_feed_motor_rate(running && motion.infusing ? motion.rate_m3_per_s : 0.0, diameter_m);
}

}  // namespace edc::sim
