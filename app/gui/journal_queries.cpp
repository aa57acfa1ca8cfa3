#include "app/gui/journal_queries.hpp"

#include "app/journal/run_journal.hpp"

namespace edc::gui {

Result<std::vector<journal::RunRecord>> load_runs(const std::string& db_path,
                                                  const journal::RunFilter& filter) {
    auto j = journal::RunJournal::open(db_path);
    if (!j) return std::unexpected(j.error());
    return j->list_runs(filter);
}

Result<RunDetail> load_run_detail(const std::string& db_path, std::int64_t run_id) {
    auto j = journal::RunJournal::open(db_path);
    if (!j) return std::unexpected(j.error());
    auto record = j->get_run(run_id);
    if (!record) return std::unexpected(record.error());
    auto samples = j->samples(run_id);
    if (!samples) return std::unexpected(samples.error());
    auto events = j->events(run_id);
    if (!events) return std::unexpected(events.error());
    return RunDetail{std::move(*record), std::move(*samples), std::move(*events)};
}

Result<std::map<std::string, std::int64_t>> recipes_that_ran(const std::string& db_path) {
    auto runs = load_runs(db_path, {});
    if (!runs) return std::unexpected(runs.error());
    std::map<std::string, std::int64_t> ran;
    for (const auto& r : *runs) {
        auto& id = ran[r.recipe_sha256];
        if (r.id > id) id = r.id;
    }
    return ran;
}

}  // namespace edc::gui
