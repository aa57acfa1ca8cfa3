#pragma once
// The simulator models SimHost can start, keyed by the names recipes and the driver registry
// (drivers/registry) use: one entry each, saying which end of the rig it sits on, how it is
// wired (PTY at a default baud, or TCP) and how it is built. SimHost starts any entry the same
// way (sim_host.cpp): a new simulated instrument is its model file plus one entry here.
//
// An entry builds its instrument (sim_instruments.hpp), which owns its model and answers the
// host for it: wire, plant step, faults, snapshot, state file. The host names no model.
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/sim/sim_host.hpp"
#include "drivers/sim/sim_instruments.hpp"

namespace edc::sim {

enum class SimRole { galvanostat, pump };

struct SimModelEntry {
    std::string_view name;  // "keithley-2400", "ne-1000", "kds-legato-180"
    SimRole role = SimRole::galvanostat;
    bool lan = false;           // TCP on loopback instead of a PTY
    unsigned default_baud = 0;  // PTY models, when the config gives none (0: USB CDC, no byte timing)
    bool config_baud = true;    // false: the config's baud (a 2400's setting) does not apply
    // Builds the instrument on `cell` with the config's options.
    std::unique_ptr<SimInstrument> (*build)(const SimModelEntry&, SimCell&, const SimHostConfig&) = nullptr;
};

[[nodiscard]] std::span<const SimModelEntry> sim_models();
// nullptr when `name` is no entry of that role.
[[nodiscard]] const SimModelEntry* find_sim_model(std::string_view name, SimRole role);
// "keithley-2400, keithley-2450, ..." for error messages.
[[nodiscard]] std::string sim_model_names(SimRole role);

}  // namespace edc::sim
