#include "app/calibration/recorded_run.hpp"

#include <fmt/format.h>

#include <charconv>
#include <string_view>

#include "recipes/format/chemistry_file.hpp"
#include "recipes/format/recipe.hpp"

namespace edc::calibration {

Result<JournaledRun> load_recorded_run(journal::RunJournal& journal, std::int64_t id) {
    auto record = journal.get_run(id);
    if (!record) return std::unexpected(record.error());
    if (record->status != journal::RunStatus::completed) {
        return fail(
            "run_not_completed",
            fmt::format(
                "run {} is {}, not completed: its film is not the recipe's whole deposit, so it cannot "
                "calibrate the chemistry",
                id, journal::to_string(record->status)),
            fmt::format("run {}", id));
    }
    // The recipe as journaled; a calibration file it names is not re-read (the run's effective
    // chemistry is journaled as an event and used below).
    auto recipe = recipes::parse_recipe(record->recipe_text, fmt::format("run {} recipe", id),
                                        recipes::CalibrationFile::ignore);
    if (!recipe) return std::unexpected(recipe.error());
    JournaledRun out;
    out.recipe_name = record->recipe_name;
    out.chemistry_source = "recipe";
    out.run.id = id;
    out.run.cell = recipe->plan.cell;
    out.run.flow_lag_s = recipe->plan.pump.flow_lag_s;
    auto events = journal.events(id);
    if (!events) return std::unexpected(events.error());
    for (const auto& e : *events) {
        if (e.code == "chemistry") {
            auto applied = recipes::apply_chemistry_text(out.run.cell.chemistry, e.message,
                                                         fmt::format("run {} chemistry", id));
            if (!applied) return std::unexpected(applied.error());
        } else if (e.code == "chemistry_source") {
            out.chemistry_source = e.message;
        } else if (e.code == "prebolus") {
            // "dispensing a pre-dilution bolus of 5.000000 mL"
            const auto of = e.message.rfind(" of ");
            double ml = 0.0;
            if (of != std::string::npos) {
                const char* b = e.message.data() + of + 4;
                const auto [end, ec] = std::from_chars(b, e.message.data() + e.message.size(), ml);
                if (ec == std::errc{} && std::string_view(end).starts_with(" mL") && ml >= 0.0) {
                    out.run.prebolus_m3 = ml * 1e-6;
                }
            }
        }
    }
    auto samples = journal.samples(id);
    if (!samples) return std::unexpected(samples.error());
    if (samples->empty()) {
        return fail("run_has_no_samples",
                    fmt::format("run {} has no samples: nothing recorded to re-simulate", id),
                    fmt::format("run {}", id));
    }
    out.run.samples.reserve(samples->size());
    for (const auto& s : *samples)
        out.run.samples.push_back({s.t_s, s.current_a, s.dispensed_m3, s.feed_rate_m3_s});
    return out;
}

}  // namespace edc::calibration
