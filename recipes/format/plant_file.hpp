#pragma once
// A plant file: the simulated cell's truth where it differs from the recipe (`edc simulate
// --plant`, `edc run --sim --plant`, `edc-sim --plant`). Every key is optional; an absent key
// means "as the recipe says". Errors as for recipes: Error{code "invalid_plant", message
// "file:line:col: what is wrong and what was expected", where "file:line:col"}.
//
//   [plant]
//   selectivity_k = 1.25                # or selectivity_table = [[c_Bi/c_Sb, k], ...]
//   current_efficiency = 0.68
//   a = { Bi = "49 mM", Sb = "50 mM" }  # what A really holds
//   b = { Bi = "0 mM", Sb = "49.5 mM" }
//   initial_volume = "20.4 mL"
//   mixing_time = "4 s"
//   syringe_diameter = "38.6 mm"        # the true bore; the pump still believes the recipe's
//   packing_fraction = 0.85
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/error.hpp"
#include "control/model/cell_model.hpp"

namespace edc::recipes {

struct PlantFile {
    std::string source_path;  // as given to load_plant_file, or the name given to parse_plant_file
    std::string text;         // verbatim
    std::string sha256;       // lower-case hex of text
    // Overrides of the recipe's values (SI). selectivity: one point is a constant k.
    std::vector<model::SelectivityPoint> selectivity;
    std::optional<double> current_efficiency;
    std::optional<model::Concentrations> bath_a;
    std::optional<model::Concentrations> feed_b;
    std::optional<double> initial_volume_m3;
    std::optional<double> mixing_time_s;
    std::optional<double> syringe_diameter_m;
    std::optional<double> packing_fraction;
};

[[nodiscard]] Result<PlantFile> parse_plant_file(std::string_view text, std::string_view name_for_errors);
// Reads and validates a plant file (at most 64 KiB).
[[nodiscard]] Result<PlantFile> load_plant_file(const std::string& path);

}  // namespace edc::recipes
