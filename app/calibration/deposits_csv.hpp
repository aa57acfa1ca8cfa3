#pragma once
// Constant-bath calibration deposits for `edc calibrate --samples FILE.csv`: a header naming
// bath_bi_mM, bath_sb_mM, x_bi and optionally charge_C, area_cm2 and thickness_nm or mass_mg,
// then one deposit a line; comma separated, '#' comment lines and blank lines skipped. Numbers
// are read with std::from_chars (C locale). Errors: code "invalid_samples", "file:line: what".
#include <string>
#include <string_view>
#include <vector>

#include "app/calibration/chemistry_fit.hpp"
#include "control/error.hpp"

namespace edc::calibration {

[[nodiscard]] Result<std::vector<CalibrationDeposit>> parse_deposits_csv(std::string_view text,
                                                                         std::string_view name_for_errors);
[[nodiscard]] Result<std::vector<CalibrationDeposit>> load_deposits_csv(const std::string& path);

}  // namespace edc::calibration
