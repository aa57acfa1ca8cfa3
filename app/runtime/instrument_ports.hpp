#pragma once
// Small decisions about instruments that the recipe leaves open.
#include <string>

#include "recipes/format/recipe.hpp"

namespace edc::app {

// The driver's port string: a device path for RS-232, tcp://host:port for the 2450 (SCPI raw
// socket, port 5025 unless the recipe names one).
[[nodiscard]] std::string galvanostat_port(const recipes::GalvanostatConfig& g);

// The smallest Keithley source range (decades from 1 uA to 1 A) that holds `amps` with 5 %
// headroom; 1 A if none does (the recipe validation refuses larger currents).
[[nodiscard]] double current_range_for(double amps);

}  // namespace edc::app
