#pragma once
// A feed plan (or the planner's refusal) in lab units: the human table of `edc plan` and the
// JSON object of `edc plan --json` (keys as issue 4 names them).
#include <cstddef>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/cli/console.hpp"
#include "control/plan/feed_plan.hpp"
#include "recipes/format/recipe.hpp"

namespace edc::cli {

// Indices of at most `max_points` of `n` points, evenly spread, first and last always included.
[[nodiscard]] std::vector<std::size_t> thin_indices(std::size_t n, std::size_t max_points);

// {"feasible": true, "recipe", "schedule": [...], "totals": {...}, "warnings": [...]}
[[nodiscard]] nlohmann::ordered_json plan_json(const recipes::Recipe& recipe, const plan::FeedPlan& plan,
                                               std::size_t max_points = 200);
// {"feasible": false, "errors": [{"code", "message", "depth_nm", "t_s"}...]}
[[nodiscard]] nlohmann::ordered_json plan_failure_json(const plan::PlanFailure& failure);

void print_plan_table(std::ostream& out, const recipes::Recipe& recipe, const plan::FeedPlan& plan,
                      std::size_t rows = 21);
// One line per planner issue: "  code: message".
void print_plan_failure(std::ostream& err, const recipes::Recipe& recipe, const plan::PlanFailure& failure);

struct PlannedRecipe {
    recipes::Recipe recipe;
    plan::FeedPlan plan;
};

// Loads and plans a recipe the way every command reports it: file:line:col for an invalid
// recipe (exit_code::invalid_recipe), the planner's issues for an infeasible one
// (exit_code::infeasible_plan; also as JSON on stdout when as_json), and a plan faster than the
// recipe's pump can go on its syringe as "file: pump.max_rate: ..." (exit_code::invalid_recipe).
// `chemistry` (--chemistry FILE) overrides the recipe's chemistry keys and those of the
// calibration file the recipe names (an unreadable or invalid file: exit_code::invalid_recipe).
// The error is the exit code.
[[nodiscard]] std::expected<PlannedRecipe, int> load_and_plan(const std::string& path, Console& console,
                                                              bool as_json,
                                                              const std::optional<std::string>& chemistry = std::nullopt);
// "chemistry: recipe" / "chemistry: --chemistry PATH sha256 HEX": the line `edc plan` prints.
[[nodiscard]] std::string chemistry_source_line(const recipes::Recipe& recipe);

}  // namespace edc::cli
