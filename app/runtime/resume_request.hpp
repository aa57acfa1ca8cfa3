#pragma once
// What `edc resume` and the GUI's "Resume…" both start from: the interrupted run as its journal
// has it (recipe with the chemistry it ran with, last sample, instruments' identities), the
// journal-side refusals, and the RunSession options of its continuation. The instrument-side
// refusals (identities, state unknown, syringe) are the session's (session_resume.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/journal/journal_records.hpp"
#include "app/runtime/run_session.hpp"
#include "control/error.hpp"
#include "control/model/cell_model.hpp"
#include "control/plan/feed_plan.hpp"
#include "recipes/format/plant_file.hpp"

namespace edc::app {

struct ResumeRequest {
    std::int64_t resumes_run = 0;
    RunOptions options;            // recipe, db_path, provenance, resume (gap_s: the wall gap);
                                   // confirm_resume is the caller's
    plan::FeedPlan plan;           // the original run's whole plan (charts, scoring the film)
    bool simulated = false;        // the interrupted run ran on the simulated instruments
    model::CellParams plant_cell;  // simulated: the cell the simulators model (the recipe's chemistry)
    // Simulated with `--plant`: the plant file it ran with, as journaled; its world goes on
    // with it (make_plant(plant_cell, &*plant)).
    std::optional<recipes::PlantFile> plant;
    double wall_gap_s = 0.0;  // wall seconds since its last sample (real instruments' dead time)
};

// Reads run `run_id` from the journal at `db_path` and builds its continuation. `now_s`: seconds
// since the epoch. Refused (code resume_refused, "run N cannot be resumed: ...") when the run is
// not interrupted, a continuation already resumed it, its journal has no deposition samples or
// its start time is unreadable; other failures are the journal's or the recipe's own.
[[nodiscard]] Result<ResumeRequest> prepare_resume(const std::string& db_path, std::int64_t run_id,
                                                   double now_s);

// The continuation in `all_runs` that blocks another resume of `run_id` (one that completed,
// runs, or died itself; a faulted or aborted attempt does not), or 0.
[[nodiscard]] std::int64_t blocking_continuation(const std::vector<journal::RunRecord>& all_runs,
                                                 std::int64_t run_id);

// The refusal both the CLI and the GUI show: code resume_refused, "run N cannot be resumed: why".
[[nodiscard]] Error resume_refused(std::int64_t run, const std::string& why);

// "2026-11-26T05:07:04.123Z" -> seconds since the epoch; nullopt when it is not that form.
[[nodiscard]] std::optional<double> parse_utc(std::string_view s);

}  // namespace edc::app
