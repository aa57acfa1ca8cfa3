#pragma once
// The simulated instruments' physical truth, kept in a file so it outlives the process that
// simulates them (issue 13): a controller killed mid-deposition leaves a cell that still holds
// its bath and its film, a galvanostat whose output may still be on, a pump that may still be
// pumping. SimHost loads it at start and rewrites it every simulated second; `edc resume`
// scores the film it holds at the end.
//
// Format: JSON (nlohmann-json writes and reads numbers locale-independently), SI units,
// {"format": "edc-sim-state", "version": 1, "sim_time_s", "cell": {...}, "galvanostat": {"model",
// ...}, "pump": {"model", ...}}. This file reads and writes the cell; each instrument's section
// beyond its "model" is the instrument's own (sim_instrument_state.hpp), restored by the
// simulated instrument itself (SimInstrument::restore). Independent of control/model: the
// simulator's chemistry is its own.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/error.hpp"
#include "drivers/sim/sim_cell.hpp"

namespace edc::sim {

// One instrument's section: its model (an entry of sim_models.hpp) and its own fields.
struct SavedInstrument {
    std::string model;      // "keithley-2400", "palmsens-emstat4", "ne-1000", "kds-legato-180", ...
    nlohmann::json fields;  // the instrument's (sim_instrument_state.hpp), without "model"
};

struct SimState {
    // Simulated seconds since the cell was first filled, summed over every process (and outage)
    // that simulated it.
    double sim_time_s = 0.0;
    SimCellState cell;  // bath, electrode surroundings, feed in flight, film
    // Absent: the rig had none.
    std::optional<SavedInstrument> galvanostat;
    std::optional<SavedInstrument> pump;
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
