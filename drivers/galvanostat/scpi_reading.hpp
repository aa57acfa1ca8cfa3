#pragma once
// The reading reply of a SCPI source-meter, parsed without a port (fuzzable): which fields of
// the comma-separated reply hold the potential, the current, the instrument's timestamp and
// the status word, and which status bits mean "limited by the voltage compliance".
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "control/error.hpp"
#include "drivers/galvanostat/galvanostat.hpp"

namespace edc {

struct ScpiReadForm {
    std::string command;         // the query that takes one reading
    std::size_t fields = 0;      // values in the reply
    std::size_t volt_field = 0;  // potential, volts
    std::size_t curr_field = 1;  // source current, amps (instrument sign)
    bool has_time = false;       // a timestamp field; without one the driver fills in host time
    std::size_t time_field = 0;
    std::size_t status_field = 0;
    double status_bound = 0.0;          // a status word is an integer in [0, status_bound)
    std::uint32_t compliance_mask = 0;  // any of these bits set: the reading was limited
    std::string elements_hint;          // what to check when the reply lacks V or I
};

// Errors: "bad_reply" (wrong field count, missing potential or current, bad status word).
Result<GalvanostatReading> parse_source_meter_reading(std::string_view reply, const ScpiReadForm& form);

}  // namespace edc
