#include "app/runtime/resume_request.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <ctime>

#include "app/journal/run_journal.hpp"
#include "control/plan/planner.hpp"
#include "recipes/format/chemistry_file.hpp"

namespace edc::app {
Error resume_refused(std::int64_t run, const std::string& why) {
    return Error{"resume_refused", fmt::format("run {} cannot be resumed: {}", run, why),
                 fmt::format("run {}", run)};
}

std::optional<double> parse_utc(std::string_view s) {
    if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return std::nullopt;
    auto num = [&](std::size_t at, std::size_t len) -> std::optional<int> {
        int v = 0;
        const auto [end, ec] = std::from_chars(s.data() + at, s.data() + at + len, v);
        if (ec != std::errc{} || end != s.data() + at + len) return std::nullopt;
        return v;
    };
    const auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
               sec = num(17, 2);
    if (!y || !mo || !d || !h || !mi || !sec) return std::nullopt;
    std::tm tm{};
    tm.tm_year = *y - 1900;
    tm.tm_mon = *mo - 1;
    tm.tm_mday = *d;
    tm.tm_hour = *h;
    tm.tm_min = *mi;
    tm.tm_sec = *sec;
    return static_cast<double>(timegm(&tm));
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

Result<ResumeRequest> prepare_resume(const std::string& db_path, std::int64_t run_id, double now_s) {
    // Opening the journal marks runs whose controller died as interrupted.
    auto journal = journal::RunJournal::open(db_path);
    if (!journal) return std::unexpected(journal.error());
    auto record = journal->get_run(run_id);
    if (!record) return std::unexpected(record.error());
    if (record->status != journal::RunStatus::interrupted)
        return std::unexpected(resume_refused(
            run_id, fmt::format("it is {}, not interrupted", journal::to_string(record->status))));
    auto all = journal->list_runs();
    if (!all) return std::unexpected(all.error());
    if (const auto blocking = blocking_continuation(*all, run_id); blocking != 0) {
        const auto it =
            std::ranges::find_if(*all, [&](const journal::RunRecord& r) { return r.id == blocking; });
        if (it != all->end() && it->status == journal::RunStatus::interrupted)
            return std::unexpected(resume_refused(
                run_id, fmt::format("run {} continued it and was interrupted too: resume run {}", blocking,
                                    blocking)));
        return std::unexpected(resume_refused(run_id, fmt::format("run {} resumed it already", blocking)));
    }
    auto samples = journal->samples(run_id);
    if (!samples) return std::unexpected(samples.error());
    if (samples->empty() || samples->back().charge_c <= 0.0)
        return std::unexpected(resume_refused(
            run_id, "its journal has no deposition samples: the state it stopped in is unknown"));
    const auto started = parse_utc(record->started_at);
    if (!started)
        return std::unexpected(
            resume_refused(run_id, "its start time '" + record->started_at + "' is unreadable"));

    auto recipe = recipes::parse_recipe(record->recipe_text, fmt::format("run {} recipe", run_id),
                                        recipes::CalibrationFile::ignore);
    if (!recipe) return std::unexpected(recipe.error());
    auto events = journal->events(run_id);
    if (!events) return std::unexpected(events.error());
    ResumeRequest req;
    req.resumes_run = run_id;
    // The chemistry the run ran with, as journaled (a calibration file may have changed since).
    for (const auto& e : *events) {
        if (e.code != "chemistry") continue;
        if (auto applied = recipes::apply_chemistry_text(recipe->plan.cell.chemistry, e.message,
                                                         fmt::format("run {} chemistry", run_id));
            !applied)
            return std::unexpected(applied.error());
        req.options.provenance.push_back({"chemistry", e.message});
    }
    // The simulated world's plant file (run_command.cpp journals "PATH sha256 HEX\nTEXT").
    for (const auto& e : *events) {
        if (e.code != "plant") continue;
        const auto newline = e.message.find('\n');
        if (newline == std::string::npos)
            return std::unexpected(resume_refused(run_id, "its journaled plant file has no text"));
        auto plant = recipes::parse_plant_file(std::string_view(e.message).substr(newline + 1),
                                               fmt::format("run {} plant", run_id));
        if (!plant) return std::unexpected(plant.error());
        req.plant = std::move(*plant);
        req.options.provenance.push_back({"plant", e.message});
    }
    auto plan = plan::make_plan(recipe->plan);
    if (!plan) return std::unexpected(plan.error().to_error());
    req.plan = std::move(*plan);
    req.simulated = record->instruments_json.find("\"simulated\":true") != std::string::npos;
    req.plant_cell = recipe->plan.cell;
    req.plant_cell.chemistry = recipe->recipe_chemistry;

    // Wall seconds since its last sample (a simulated run's seconds are not wall seconds: there
    // the stop is bounded by the journal's own discovery of the dead run, its ended_at).
    double stopped_at = *started + samples->back().t_s;
    if (auto ended = record->ended_at ? parse_utc(*record->ended_at) : std::nullopt;
        ended && *ended < stopped_at)
        stopped_at = *ended;
    req.wall_gap_s = std::max(0.0, now_s - stopped_at);

    ResumeFrom from;
    from.run_id = run_id;
    from.instruments_json = record->instruments_json;
    from.last = samples->back();
    from.set_current_a = recipe->current_a();
    from.gap_s = req.wall_gap_s;
    req.options.recipe = std::move(*recipe);
    req.options.db_path = db_path;
    req.options.resume = std::move(from);
    return req;
}

}  // namespace edc::app
