#pragma once
// The simulated plant of a run or a simulation: the recipe's numbers, overridden by a plant
// file where it speaks (recipes/format/plant_file.hpp). Shared by `edc run --sim --plant`,
// `edc simulate --plant` and `edc-sim --plant`.
#include <string>

#include "control/model/cell_model.hpp"
#include "drivers/sim/plant_chemistry.hpp"
#include "recipes/format/plant_file.hpp"

namespace edc::app {

// The recipe's cell as a plant, then each key the plant file sets (file may be null).
[[nodiscard]] sim::PlantChemistry make_plant(const model::CellParams& recipe, const recipes::PlantFile* file);

// What a simulated run journals about its plant (provenance code "plant"):
// "<path> sha256 <hex>\n<verbatim text>".
[[nodiscard]] std::string plant_provenance_text(const recipes::PlantFile& file);

}  // namespace edc::app
