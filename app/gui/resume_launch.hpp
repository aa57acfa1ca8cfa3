#pragma once
// What "Resume…" on the History screen starts: the continuation `edc resume` builds
// (app/runtime/resume_request.hpp), from the interrupted run's journal. Refusals are the
// runtime's: the journal's from prepare_resume, the instruments' as the session's fault. No Qt
// here: the journal is read on a worker thread.
#include <cstdint>
#include <filesystem>
#include <string>

#include "app/runtime/resume_request.hpp"
#include "app/runtime/sim_rig_options.hpp"
#include "control/error.hpp"

namespace edc::gui {

using ResumeLaunch = app::ResumeRequest;
using app::blocking_continuation;

// app::prepare_resume at `now_s` (seconds since the epoch); a simulated run's dead time is
// `sim_outage_s` instead of the wall gap, as `edc resume --sim --sim-outage S`.
[[nodiscard]] Result<ResumeLaunch> prepare_resume(const std::string& db_path, std::int64_t run_id,
                                                  double now_s, double sim_outage_s = 0.0);

// The simulated instruments of a simulated run's continuation: their state from `state_file`
// (written by the killed run's simulators, as `--sim-state FILE`).
[[nodiscard]] app::SimRigOptions resume_sim_rig(const ResumeLaunch& launch,
                                                const std::filesystem::path& state_file);

}  // namespace edc::gui
