#pragma once
// The syringe and plunger drive every simulated pump shares (the NE-1000, the Pump 11 Elite and
// the Legato, which is the Elite's model with other options): rate limits from the plunger speed
// range and the syringe's bore, the volume moved between two instants, the syringe running empty
// (the plunger at its end stalls the motor) and the run's target volume (the motor stops). What
// the pump then says (alarm S, prompt `*` or `T*`) is each model's own.
namespace edc::sim {

class SimCell;

struct RateLimits {
    double min_m3_per_s = 0.0;
    double max_m3_per_s = 0.0;
};
// The drive's plunger speed range times the area of a syringe of inner diameter `diameter_m`.
[[nodiscard]] RateLimits syringe_rate_limits(double min_speed_m_per_s, double max_speed_m_per_s,
                                             double diameter_m) noexcept;
// Within the limits, give or take the rounding of a rate the pump printed (1e-9 relative).
[[nodiscard]] bool rate_within(const RateLimits& limits, double rate_m3_per_s) noexcept;

struct SyringeVolumes {
    double infused_m3 = 0.0;
    double withdrawn_m3 = 0.0;
    double run_m3 = 0.0;      // moved since the run started: the target volume counts from here
    double content_m3 = 0.0;  // left in the syringe
};

struct PlungerMotion {
    double rate_m3_per_s = 0.0;
    bool infusing = true;
    double target_m3 = 0.0;    // 0: no target, the pump runs until stopped
    double capacity_m3 = 0.0;  // a withdrawal fills the syringe up to this, no further
};

struct PlungerStep {
    double moved_m3 = 0.0;
    bool emptied = false;         // infusing, the plunger reached the end of the syringe
    bool target_reached = false;  // the run moved its target volume
};
// The plunger moving for `dt_s` seconds (none when dt_s <= 0): at most what is left in the
// syringe when infusing, at most what is left of the target. Updates `v`.
PlungerStep move_plunger(SyringeVolumes& v, const PlungerMotion& motion, double dt_s) noexcept;

// The cell's feed: the rate while the motor infuses, else nothing (withdrawing refills the
// syringe from reservoir B through a check valve: nothing enters the cell).
void drive_feed(SimCell& cell, bool running, const PlungerMotion& motion, double diameter_m);

}  // namespace edc::sim
