#pragma once
// Chemistry files: a TOML file whose [chemistry] table holds any of a recipe's chemistry keys
// (a, b, selectivity_k or selectivity_table, current_efficiency, packing_fraction). What
// `edc calibrate` writes and `--chemistry FILE` or a recipe's `[chemistry] calibration = "FILE"`
// reads: the file's keys replace the recipe's, the others stay. The recipe's text and sha256
// stay the verbatim recipe; Recipe::chemistry_source says where the chemistry came from.
// Errors: code "invalid_chemistry", message "file:line:col: what" (as recipes), or
// "chemistry_file_unreadable" for a file that cannot be read.
#include <string>
#include <string_view>

#include "control/error.hpp"
#include "control/model/cell_model.hpp"
#include "recipes/format/recipe.hpp"

namespace edc::recipes {

inline constexpr std::size_t max_chemistry_file_bytes = std::size_t{64} * 1024;

enum class ChemistryOrigin {
    recipe_calibration,  // the recipe's [chemistry] calibration key
    command_line,        // --chemistry FILE
};

// Overrides recipe.plan.cell.chemistry with the file's keys and sets recipe.chemistry_source to
// "calibration PATH sha256 HEX" or "--chemistry PATH sha256 HEX".
[[nodiscard]] Result<void> apply_chemistry_file(Recipe& recipe, const std::string& path,
                                                ChemistryOrigin origin);
// The same from text; name_for_errors is the "file" part of error positions.
[[nodiscard]] Result<void> apply_chemistry_text(model::Chemistry& chemistry, std::string_view text,
                                                std::string_view name_for_errors);

// A complete [chemistry] table in the recipe format (concentrations in mM, numbers in their
// shortest exact form), readable back by apply_chemistry_text. No trailing comments.
[[nodiscard]] std::string chemistry_toml(const model::Chemistry& chemistry);

}  // namespace edc::recipes
