#pragma once
// A current source with voltage readback driving the cell (FORCE HI + SENSE HI on the working
// electrode, FORCE LO on the counter electrode, SENSE LO on the reference).
//
// Current sign: this API takes and returns the INSTRUMENT's signed current. With FORCE HI on
// the working electrode, cathodic (deposition) current is negative. control/ speaks of the
// cathodic current as a positive magnitude: convert only with the two helpers below.
//
// Errors (Error::code): "invalid_setting" (rejected before any byte is written),
// "not_configured", "scpi_error" (the instrument queued an error; number and text in the
// message), "potential_limit" (|measured potential| above the software limit: the driver has
// already tried safe_off), "compliance" is NOT an error (see GalvanostatReading::in_compliance),
// "wrong_language" (2450 not in SCPI mode), "bad_reply", and the transport's "timeout",
// "disconnected", "frame_too_long".
#include <string>

#include "control/error.hpp"

namespace edc {

struct GalvanostatSettings {
    double current_range_a = 0.01;   // source range, the largest |current| the run will ask for
    double compliance_v = 10.0;      // instrument voltage compliance (FORCE HI to FORCE LO)
    bool four_wire = true;           // remote sense
    double nplc = 1.0;               // integration time in power-line cycles
    double potential_limit_v = 5.0;  // software limit on |measured potential| (SENSE HI to SENSE LO)
};

struct GalvanostatReading {
    double potential_v = 0.0;
    double current_a = 0.0;  // instrument sign
    bool in_compliance = false;
    double instrument_time_s = 0.0;  // 2400: instrument timestamp; 2450: host time since configure
};

class Galvanostat {
public:
    virtual ~Galvanostat();
    virtual Result<std::string> identify() = 0;
    virtual Result<void> configure(const GalvanostatSettings& settings) = 0;
    virtual Result<void> set_current(double amps) = 0;  // instrument sign; |amps| <= range
    virtual Result<void> output(bool on) = 0;
    virtual Result<GalvanostatReading> read() = 0;
    // Whether the output is on (:OUTP?), then the error queue: a queued error is "scpi_error".
    // Switches nothing, so it may watch an instrument whose output should stay off.
    virtual Result<bool> output_is_on() = 0;
    // Current level 0, output-off mode high impedance, output off. Tries every step even when
    // one fails and returns the first error.
    virtual Result<void> safe_off() = 0;
};

// Cathodic deposition current (positive magnitude, control/'s convention) <-> instrument sign.
constexpr double instrument_current_from_cathodic(double cathodic_a) {
    return -cathodic_a;
}
constexpr double cathodic_current_from_instrument(double instrument_a) {
    return -instrument_a;
}

}  // namespace edc
