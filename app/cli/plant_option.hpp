#pragma once
// `--plant FILE` of `edc run --sim` and `edc simulate`: the simulated cell's truth where it
// differs from the recipe (recipes/format/plant_file.hpp).
#include <expected>
#include <optional>

#include "app/cli/arg_parser.hpp"
#include "app/cli/console.hpp"
#include "recipes/format/plant_file.hpp"

namespace edc::cli {

// The plant file named by --plant, nullopt without the option; an invalid file is reported
// ("file:line:col: what") and its exit code (exit_code::invalid_recipe) returned as the error.
[[nodiscard]] std::expected<std::optional<recipes::PlantFile>, int> load_plant_option(const ParsedArgs& args,
                                                                                      Console& console);

}  // namespace edc::cli
