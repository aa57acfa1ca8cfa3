#pragma once
// A journaled run as `edc calibrate` re-simulates it: the recipe's cell, the chemistry the run
// planned with (its "chemistry" provenance event, else the recipe's own) and the recorded
// current and pump counter. Refuses runs that did not complete and runs without samples.
#include <cstdint>

#include "app/calibration/forward_model.hpp"
#include "app/journal/run_journal.hpp"
#include "control/error.hpp"

namespace edc::calibration {

struct JournaledRun {
    RecordedRun run;
    std::string recipe_name;
    std::string chemistry_source;  // the run's "chemistry_source" event, or "recipe"
};

// Errors: "no_such_run", "run_not_completed" (with its status), "run_has_no_samples",
// "invalid_recipe" / "invalid_chemistry" (the journaled text no longer parses).
[[nodiscard]] Result<JournaledRun> load_recorded_run(journal::RunJournal& journal, std::int64_t id);

}  // namespace edc::calibration
