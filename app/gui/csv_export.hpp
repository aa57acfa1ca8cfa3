#pragma once
// A run's samples as CSV: one header row naming each column with its SI unit, then one row per
// sample, full precision. No Qt here.
#include <string>
#include <vector>

#include "app/journal/journal_records.hpp"
#include "control/error.hpp"

namespace edc::gui {

[[nodiscard]] std::string samples_csv_header();
[[nodiscard]] Result<void> write_samples_csv(const std::string& path,
                                             const std::vector<journal::JournalSample>& samples);

}  // namespace edc::gui
