#include "app/gui/resume_launch.hpp"

#include <fmt/format.h>

#include <QDateTime>
#include <algorithm>

#include "app/journal/run_journal.hpp"
#include "app/sim/plant_setup.hpp"
#include "control/plan/planner.hpp"
#include "recipes/format/chemistry_file.hpp"

namespace edc::gui {
namespace {

// "2026-11-26T05:07:04.123Z" -> seconds since the epoch.
std::optional<double> utc_seconds(const std::string& text) {
    const QDateTime t = QDateTime::fromString(QString::fromStdString(text), Qt::ISODateWithMs);
    if (!t.isValid()) return std::nullopt;
    return static_cast<double>(t.toMSecsSinceEpoch()) / 1000.0;
}

}  // namespace

Result<ResumeLaunch> prepare_resume(const std::string& db_path, std::int64_t run_id, double now_s,
                                    double sim_outage_s) {
    const std::string where = fmt::format("run {}", run_id);
    auto journal = journal::RunJournal::open(db_path);
    if (!journal) return std::unexpected(journal.error());
    auto record = journal->get_run(run_id);
    if (!record) return std::unexpected(record.error());
    auto samples = journal->samples(run_id);
    if (!samples) return std::unexpected(samples.error());
    if (samples->empty())
        return fail("resume_refused",
                    fmt::format("run {} cannot be resumed: its journal has no deposition samples: the "
                                "state it stopped in is unknown",
                                run_id),
                    where);
    auto recipe = recipes::parse_recipe(record->recipe_text, fmt::format("run {} recipe", run_id),
                                        recipes::CalibrationFile::ignore);
    if (!recipe) return std::unexpected(recipe.error());
    auto events = journal->events(run_id);
    if (!events) return std::unexpected(events.error());

    ResumeLaunch launch;
    launch.resumes_run = run_id;
    // The chemistry the run ran with, as journaled (a calibration file may have changed since).
    for (const auto& e : *events) {
        if (e.code != "chemistry") continue;
        if (auto applied = recipes::apply_chemistry_text(recipe->plan.cell.chemistry, e.message,
                                                         fmt::format("run {} chemistry", run_id));
            !applied)
            return std::unexpected(applied.error());
        launch.options.provenance.push_back({"chemistry", e.message});
    }
    auto plan = plan::make_plan(recipe->plan);
    if (!plan) return std::unexpected(plan.error().to_error());
    launch.plan = std::move(*plan);
    launch.simulated = record->instruments_json.find("\"simulated\":true") != std::string::npos;
    launch.plant_cell = recipe->plan.cell;
    launch.plant_cell.chemistry = recipe->recipe_chemistry;

    app::ResumeFrom from;
    from.run_id = run_id;
    from.instruments_json = record->instruments_json;
    from.last = samples->back();
    from.set_current_a = recipe->current_a();
    if (launch.simulated) {
        from.gap_s = sim_outage_s;
    } else {
        // Wall seconds since its last sample, bounded by the journal's discovery of the dead run.
        double stopped_at = now_s;
        if (const auto started = utc_seconds(record->started_at)) stopped_at = *started + from.last.t_s;
        if (const auto ended = record->ended_at ? utc_seconds(*record->ended_at) : std::nullopt)
            stopped_at = std::min(stopped_at, *ended);
        from.gap_s = std::max(0.0, now_s - stopped_at);
    }
    launch.options.recipe = std::move(*recipe);
    launch.options.db_path = db_path;
    launch.options.resume = std::move(from);
    return launch;
}

app::SimRigOptions resume_sim_rig(const ResumeLaunch& launch, const std::filesystem::path& state_file) {
    app::SimRigOptions sim;
    sim.state_file = state_file;
    sim.outage_s = launch.options.resume ? launch.options.resume->gap_s : 0.0;
    sim.plant = app::make_plant(launch.plant_cell, nullptr);
    return sim;
}

std::int64_t blocking_continuation(const std::vector<journal::RunRecord>& all_runs, std::int64_t run_id) {
    for (const auto& r : all_runs) {
        if (r.resumes_run != run_id) continue;
        if (r.status == journal::RunStatus::completed || r.status == journal::RunStatus::running ||
            r.status == journal::RunStatus::interrupted)
            return r.id;
    }
    return 0;
}

}  // namespace edc::gui
