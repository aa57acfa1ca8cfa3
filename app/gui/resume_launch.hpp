#pragma once
// What "Resume…" on the History screen starts: the same RunSession options `edc resume` builds
// (app/cli/resume_command.cpp) from the interrupted run's journal: its recipe with the chemistry
// it ran with, its last sample, its instruments' identities. Refusals (identities, state
// unknown, syringe) are the runtime's: the session reports them as its fault. No Qt here: the
// journal is read on a worker thread.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "app/journal/journal_records.hpp"
#include "app/runtime/run_session.hpp"
#include "control/error.hpp"
#include "control/model/cell_model.hpp"
#include "control/plan/feed_plan.hpp"

namespace edc::gui {

struct ResumeLaunch {
    std::int64_t resumes_run = 0;
    app::RunOptions options;       // resume set; confirm_resume is the caller's
    plan::FeedPlan plan;           // the whole film's plan (the Run screen's charts)
    bool simulated = false;        // the interrupted run ran on the simulated instruments
    model::CellParams plant_cell;  // simulated: the cell the simulators model (the recipe's chemistry)
};

// Reads run `run_id` from the journal at `db_path` and builds the continuation's options.
// `now_s`: seconds since the epoch, for the dead time of a run on real instruments (a simulated
// run's outage is `sim_outage_s`, as `edc resume --sim --sim-outage S`). Fails when the journal
// cannot be read, the run has no samples (the state it stopped in is unknown) or its recipe no
// longer parses or plans.
[[nodiscard]] Result<ResumeLaunch> prepare_resume(const std::string& db_path, std::int64_t run_id,
                                                  double now_s, double sim_outage_s = 0.0);

// The simulated instruments of a simulated run's continuation: their state from `state_file`
// (written by the killed run's simulators, as `--sim-state FILE`).
[[nodiscard]] app::SimRigOptions resume_sim_rig(const ResumeLaunch& launch,
                                                const std::filesystem::path& state_file);

// The continuation a journal's runs already hold for `run_id` that blocks another one (one that
// completed, runs, or died itself; a faulted or aborted attempt does not), or 0.
[[nodiscard]] std::int64_t blocking_continuation(const std::vector<journal::RunRecord>& all_runs,
                                                 std::int64_t run_id);

}  // namespace edc::gui
