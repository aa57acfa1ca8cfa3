#pragma once
// A syringe pump feeding solution B into the cell. SI units throughout (m, m3, m3/s); the
// drivers convert to the pump's wire units and number format.
//
// Errors (Error::code): "pump_alarm" (the pump answered with an alarm: the command was NOT
// executed; message names the alarm letter), "out_of_range" (the pump, or the driver before
// writing, rejected a value), "not_applicable" (not allowed in the pump's current state),
// "unknown_command", "bad_packet", "ignored", "pump_error" (other error replies),
// "not_configured", "bad_reply", and the transport's "timeout", "disconnected", "crc_mismatch".
#include <string>

#include "control/error.hpp"

namespace edc {

enum class PumpState { stopped, infusing, withdrawing, paused, alarm, unknown };
const char* to_string(PumpState s);

struct PumpStatus {
    PumpState state = PumpState::unknown;
    double dispensed_m3 = 0.0;  // infused since the last clear_dispensed
    std::string alarm;          // empty, or the pump's alarm ("S" stalled, "T" host timeout, "stall", ...)
};

class SyringePump {
public:
    virtual ~SyringePump();
    virtual Result<std::string> identify() = 0;
    virtual Result<void> set_diameter(double inner_diameter_m) = 0;
    // Chooses one rate unit for the whole run (units cannot change while pumping) so that
    // every rate up to `max_planned_rate_m3_per_s` fits the pump's number format. Returns the
    // rate resolution (m3/s) at that maximum: no planned rate is set more coarsely.
    virtual Result<double> select_rate_unit(double max_planned_rate_m3_per_s) = 0;
    // Works while running. Rounds to the pump's format; returns the rate actually set (m3/s).
    virtual Result<double> set_rate(double rate_m3_per_s) = 0;
    virtual Result<void> start() = 0;  // infuse
    virtual Result<void> stop() = 0;
    virtual Result<PumpStatus> status() = 0;
    virtual Result<void> clear_dispensed() = 0;
    // Stop whatever the pump is doing; discards pending input first. For the safe state.
    virtual Result<void> safe_stop() = 0;
    // After a confirmed stop at the end of a run: leave any host-watchdog mode the driver put
    // the pump in (New Era safe mode), so a stopped pump does not alarm once the host goes
    // quiet. True when it left such a mode; false when there was none (the default).
    virtual Result<bool> leave_safe_mode() { return false; }
    // A host watchdog for pumps that have none: the pump stops by itself once it has infused
    // `volume_m3` after the next start() (Harvard `tvolume`), so a pump whose controller died
    // stops at the end of the plan instead of emptying the syringe. Rounded up to the pump's
    // number format, never down. True when set; false when this pump has no target volume (the
    // default). Call while stopped, before start().
    virtual Result<bool> set_target_volume(double volume_m3) {
        (void)volume_m3;
        return false;
    }
};

}  // namespace edc
