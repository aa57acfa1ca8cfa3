#pragma once
// `edc simulate --db`: the digital twin's run journaled as `edc run --sim` journals one (the
// recipe verbatim, the chemistry the plan used and its source, the plant, the pre-bolus, the
// samples of current, charge and pump counter), in virtual time. Its outcome does not depend on
// the machine's load, so closed loops (simulate, measure, calibrate, re-plan) can be tests.
#include <cstdint>
#include <string>

#include "control/error.hpp"
#include "control/plan/feed_plan.hpp"
#include "control/twin/twin.hpp"
#include "recipes/format/plant_file.hpp"
#include "recipes/format/recipe.hpp"

namespace edc::cli {

// A completed run from result.trace (TwinOptions::record_trace). Returns its id.
[[nodiscard]] Result<std::int64_t> journal_twin_run(const std::string& db_path, const recipes::Recipe& recipe,
                                                    const plan::FeedPlan& plan,
                                                    const twin::TwinResult& result,
                                                    const recipes::PlantFile* plant);

}  // namespace edc::cli
