#pragma once
// Model limits checked before a byte is written (2400 User's Manual section 18 / 2450 reference
// manual specifications). Ranges are the instrument's; the 5 % over-range is allowed.
#include <string>

#include "control/error.hpp"
#include "drivers/galvanostat/galvanostat.hpp"

namespace edc::keithley {

struct ModelLimits {
    const char* model;
    double max_current_a;  // largest source range (with over-range)
    double min_current_range_a;
    double max_compliance_v;
    double min_compliance_v;
    double min_nplc, max_nplc;
};




Result<void> validate(const GalvanostatSettings& s, const ModelLimits& limits, const std::string& where);
Result<void> validate_level(double amps, const GalvanostatSettings& s, const std::string& where);

// Current/voltage in SCPI number syntax: "1E-05", "0.0125", "-0.0057".
std::string scpi_number(double v);

}  // namespace edc::keithley
