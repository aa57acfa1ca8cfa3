#include "app/cli/simulated_journal.hpp"

#include <nlohmann/json.hpp>
#include <vector>

#include "app/journal/run_journal.hpp"
#include "app/sim/plant_setup.hpp"
#include "control/decimal.hpp"
#include "control/model/units.hpp"
#include "edc/version.hpp"
#include "recipes/format/chemistry_file.hpp"

namespace edc::cli {

Result<std::int64_t> journal_twin_run(const std::string& db_path, const recipes::Recipe& recipe,
                                      const plan::FeedPlan& plan, const twin::TwinResult& result,
                                      const recipes::PlantFile* plant) {
    auto journal = journal::RunJournal::open(db_path);
    if (!journal) return std::unexpected(journal.error());
    journal::RunStart start;
    start.recipe_name = recipe.name;
    start.recipe_text = recipe.text;
    start.recipe_sha256 = recipe.sha256;
    start.software_version = edc::version;
    start.git_revision = edc::git_revision;
    // Marked as the twin's, so history never mistakes it for a run on instruments.
    start.instruments_json = nlohmann::json{{"simulated", true}, {"digital_twin", true}}.dump();
    auto id = journal->begin_run(start);
    if (!id) return std::unexpected(id.error());

    // The same provenance and pre-bolus events as a run (`edc calibrate` reads them).
    std::vector<journal::JournalEvent> events{
        {0.0, "info", "chemistry", recipes::chemistry_toml(recipe.plan.cell.chemistry)},
        {0.0, "info", "chemistry_source", recipe.chemistry_source},
    };
    if (plant != nullptr) events.push_back({0.0, "info", "plant", app::plant_provenance_text(*plant)});
    if (plan.prebolus_m3 > 0.0) {
        events.push_back({0.0, "info", "prebolus",
                          "dispensing a pre-dilution bolus of " +
                              decimal::fixed(units::m3_to_ml(plan.prebolus_m3), 3) + " mL"});
    }
    std::vector<journal::JournalSample> samples;
    samples.reserve(result.trace.size());
    for (const auto& s : result.trace) {
        journal::JournalSample j;
        j.t_s = s.t_s;
        j.current_a = s.current_a;
        j.charge_c = s.charge_c;
        j.feed_rate_m3_s = s.feed_rate_m3_s;
        j.dispensed_m3 = s.dispensed_m3;
        samples.push_back(j);
    }
    if (auto ok = journal->append(*id, samples, events); !ok) {
        (void)journal->end_run(*id, journal::RunStatus::aborted);
        return std::unexpected(ok.error());
    }
    if (auto ok = journal->end_run(*id, journal::RunStatus::completed); !ok)
        return std::unexpected(ok.error());
    return *id;
}

}  // namespace edc::cli
