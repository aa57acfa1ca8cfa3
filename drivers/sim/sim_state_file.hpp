#pragma once
// The simulated instruments' physical truth, kept in a file so it outlives the process that
// simulates them (issue 13): a controller killed mid-deposition leaves a cell that still holds
// its bath and its film, a galvanostat whose output may still be on, a pump that may still be
// pumping. SimHost loads it at start and rewrites it every simulated second; `edc resume`
// scores the film it holds at the end.
//
// Format: JSON (nlohmann-json writes and reads numbers locale-independently), SI units,
// {"format": "edc-sim-state", "version": 1, "sim_time_s", "cell": {...}, "galvanostat": {...},
// "pump": {...}}. Independent of control/model: the simulator's chemistry is its own.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/error.hpp"
#include "drivers/sim/harvard_model.hpp"
#include "drivers/sim/keithley_model.hpp"
#include "drivers/sim/newera_model.hpp"
#include "drivers/sim/sim_cell.hpp"

namespace edc::sim {

struct SimState {
    // Simulated seconds since the cell was first filled, summed over every process (and outage)
    // that simulated it.
    double sim_time_s = 0.0;
    SimCellState cell;  // bath, electrode surroundings, feed in flight, film
    // The galvanostat's settings that matter to the cell (output, off mode, level, compliance,
    // source function, range, remote sense, NPLC); absent: the rig had none.
    std::string galvanostat_model;  // "keithley-2400", "keithley-2450", empty: none
    std::optional<KeithleyState> galvanostat;
    std::string pump_model;  // "ne-1000", "harvard-elite", empty: none
    std::optional<NewEraState> ne1000;
    std::optional<HarvardState> elite;
};

// The whole film, substrate first: the finished layers and the one still growing.
[[nodiscard]] std::vector<DepositLayer> film_layers(const SimState& state);

[[nodiscard]] std::string sim_state_json(const SimState& state);
// `name` (the file's path) prefixes every error: "FILE: cell.bath.volume_m3: not a number".
[[nodiscard]] Result<SimState> parse_sim_state(std::string_view text, const std::string& name);

[[nodiscard]] Result<SimState> load_sim_state(const std::filesystem::path& path);
// Writes PATH.tmp, then renames it over PATH: a reader (or a process killed mid-write) sees
// the old file or the new one, never half of one.
[[nodiscard]] Result<void> save_sim_state(const std::filesystem::path& path, const SimState& state);

// For scoring at the end (`edc resume`): the film a state file holds, substrate first; score
// it with score_deposit() (deposit_score.hpp) like `edc run --measure` does.
[[nodiscard]] Result<std::vector<DepositLayer>> load_film_layers(const std::filesystem::path& path);

}  // namespace edc::sim
