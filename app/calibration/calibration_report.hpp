#pragma once
// What `edc calibrate` and the GUI's "Calibrate…" write: the chemistry file (a [chemistry] table
// with the fit in comments), the text summary and the JSON object.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/calibration/chemistry_fit.hpp"

namespace edc::calibration {

struct CalibrationSummary {
    std::vector<std::int64_t> runs;
    std::vector<std::string> profiles;
    std::vector<std::string> chemistry_sources;  // what each run planned with
    double resolution_m = 0.0;
    std::optional<std::string> samples;
};

// Complete when runs were given (the keys not fitted carried from the first run's chemistry);
// from deposits alone, only the fitted keys.
[[nodiscard]] std::string calibration_file_text(const calibration::FitResult& fit,
                                                const CalibrationSummary& s);
[[nodiscard]] nlohmann::ordered_json calibration_json(const calibration::FitResult& fit,
                                                      const CalibrationSummary& s, const std::string& output);
void print_calibration(std::ostream& out, const calibration::FitResult& fit, const CalibrationSummary& s,
                       const std::string& output);

}  // namespace edc::calibration
