#pragma once
// Each simulated instrument's own section of the state file (sim_state_file.hpp): the fields a
// restarted simulator needs to find the instrument as it was left, SI units, read and written
// by the instrument's code (the adapters in sim_instruments.cpp), not by the file's. Tests use
// these to build a file's sections and to read them back typed.
//
// Read errors name the file and the field: "FILE: pump.rate_unit: unknown rate unit 'x'";
// `where` is the section ("galvanostat", "pump").
#include <nlohmann/json.hpp>
#include <string>

#include "control/error.hpp"
#include "drivers/sim/emstat_model.hpp"
#include "drivers/sim/harvard_model.hpp"
#include "drivers/sim/keithley_model.hpp"
#include "drivers/sim/newera_model.hpp"

namespace edc::sim {

// A source-measure unit's settings that matter to the cell (output, off mode, level,
// compliance, source function, range, remote sense, NPLC).
[[nodiscard]] nlohmann::json keithley_state_json(const KeithleyState& k);
[[nodiscard]] Result<KeithleyState> keithley_state_from(const nlohmann::json& j, const std::string& file,
                                                        const std::string& where);

// The EmStat's cell relay and applied current, whether a script was running, its counters, and
// the running script ("script": its text lines, loop times relative to the save, variables).
[[nodiscard]] nlohmann::json emstat_state_json(const EmStatState& e);
[[nodiscard]] Result<EmStatState> emstat_state_from(const nlohmann::json& j, const std::string& file,
                                                    const std::string& where);

// The NE-1000's settings, counters, motor, pending alarm and safe-mode timeout.
[[nodiscard]] nlohmann::json newera_state_json(const NewEraState& p);
[[nodiscard]] Result<NewEraState> newera_state_from(const nlohmann::json& j, const std::string& file,
                                                    const std::string& where);

// The Harvard Ultra firmware's (Pump 11 Elite, KD Scientific Legato) motor, target, volumes,
// syringe and poll mode.
[[nodiscard]] nlohmann::json harvard_state_json(const HarvardState& p);
[[nodiscard]] Result<HarvardState> harvard_state_from(const nlohmann::json& j, const std::string& file,
                                                      const std::string& where);

}  // namespace edc::sim
