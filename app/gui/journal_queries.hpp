#pragma once
// The journal reads the GUI needs, each opening its own connection so it can run on a worker
// thread (a RunJournal is one connection, one thread at a time). No Qt here.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "app/journal/journal_records.hpp"
#include "control/error.hpp"

namespace edc::gui {

struct RunDetail {
    journal::RunRecord record;
    std::vector<journal::JournalSample> samples;
    std::vector<journal::JournalEvent> events;
};

[[nodiscard]] Result<std::vector<journal::RunRecord>> load_runs(const std::string& db_path,
                                                                const journal::RunFilter& filter);
[[nodiscard]] Result<RunDetail> load_run_detail(const std::string& db_path, std::int64_t run_id);
// sha256 of every recipe text that ran -> the newest run that used it.
[[nodiscard]] Result<std::map<std::string, std::int64_t>> recipes_that_ran(const std::string& db_path);

}  // namespace edc::gui
