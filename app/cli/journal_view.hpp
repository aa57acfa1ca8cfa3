#pragma once
// Reading the run journal for `edc runs`, `edc show` and `edc export`: opening an existing
// database, resolving a RUN argument, and the run's samples and events in lab units.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app/journal/run_journal.hpp"
#include "app/journal/run_totals.hpp"

namespace edc::cli {

// Opens an existing journal; a missing file is an error (code "no_journal"), not a new database.
[[nodiscard]] Result<journal::RunJournal> open_existing_journal(const std::string& path);

// "42" or "last" (the newest run). Error codes: "usage" for anything else, "no_such_run".
[[nodiscard]] Result<std::int64_t> resolve_run(journal::RunJournal& journal, const std::string& text);

// The instruments column is JSON text; a value that does not parse is kept as a string.
[[nodiscard]] nlohmann::ordered_json instruments_json(const journal::RunRecord& run);

// {"id", "recipe", "recipe_sha256", "status", "operator", "started_at", "ended_at", "instruments"}
[[nodiscard]] nlohmann::ordered_json run_json(const journal::RunRecord& run);
// {"t_s", "current_A", "potential_V", "charge_C", "feed_rate_mL_min", "dispensed_mL", "volume_mL",
//  "depth_nm", "x_bi_predicted"}
[[nodiscard]] nlohmann::ordered_json sample_json(const journal::JournalSample& s);
[[nodiscard]] nlohmann::ordered_json event_json(const journal::JournalEvent& e);

// The CSV export's header line (no newline) and one row per sample, columns as sample_json.
[[nodiscard]] std::string samples_csv_header();
[[nodiscard]] std::string sample_csv_row(const journal::JournalSample& s);

// A run's totals record (journal/run_totals.hpp) as the lines the run's summary and `edc show`
// both print, and as the JSON object `edc show --json` and `edc export --json` both write: one
// formatting, so every view prints the same figures.
[[nodiscard]] std::string totals_text(const journal::RunTotals& t);
// {"source": "run_totals", "duration_s", "charge_C", "depth_nm", "dispensed_mL", "volume_mL",
//  "mean_x_bi" (null when nothing was deposited)}
[[nodiscard]] nlohmann::ordered_json totals_json(const journal::RunTotals& t);

// What the journaled samples say about the deposit (the last sample, and x_Bi weighted by the
// charge of each sample interval, which is the mole weighting at constant efficiency): shown
// only for runs journaled before runs had a totals record.
struct RunDigest {
    double duration_s = 0.0;
    double charge_c = 0.0;
    double depth_m = 0.0;
    double dispensed_m3 = 0.0;
    double volume_m3 = 0.0;
    std::optional<double> mean_x_bi;
};
[[nodiscard]] RunDigest digest(std::span<const journal::JournalSample> samples);

}  // namespace edc::cli
