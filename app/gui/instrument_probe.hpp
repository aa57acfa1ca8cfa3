#pragma once
// Instrument checks for the Instruments screen, run on a worker thread: list the serial ports,
// and connect to the recipe's galvanostat and pump, ask their identity, and disconnect. A
// deposition itself only ever goes through RunSession. No Qt here.
#include <string>
#include <vector>

#include "control/error.hpp"
#include "drivers/io/port_discovery.hpp"
#include "recipes/format/recipe.hpp"

namespace edc::gui {

struct InstrumentIdentity {
    std::string role;   // "galvanostat", "pump"
    std::string model;  // "keithley-2400"
    std::string port;   // as the driver opens it
    Result<std::string> identity = std::string();
};

[[nodiscard]] Result<std::vector<io::PortInfo>> scan_ports();
// Blocking (driver timeouts apply): call from a worker thread.
[[nodiscard]] std::vector<InstrumentIdentity> identify_instruments(const recipes::Recipe& recipe);

}  // namespace edc::gui
