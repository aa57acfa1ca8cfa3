#pragma once
// A deposition recipe (TOML, see recipes/examples/ and docs): what the planner is asked, which
// instruments run it and how they are configured. Every value is SI. Errors name the place:
// Error{code "invalid_recipe", message "file:line:col: what is wrong and what was expected",
// where "file:line:col"}.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "control/error.hpp"
#include "control/plan/plan_request.hpp"

namespace edc::recipes {

inline constexpr std::size_t max_recipe_bytes = std::size_t{1024} * 1024;
inline constexpr std::size_t max_profile_points = 10000;

// SCPI source-meters (drivers/galvanostat/scpi_dialect.cpp has one entry per model).
enum class GalvanostatModel {
    keithley_2400,
    keithley_2450,
    keithley_2460,
    keithley_2461,
    keysight_b2901a,
    keysight_b2902a,
    // PalmSens potentiostats over MethodSCRIPT (drivers/galvanostat/methodscript_potentiostat.hpp)
    palmsens_emstat4,
    palmsens_emstat_pico
};
enum class PumpModel { ne_1000, harvard_elite, kds_legato_100, kds_legato_180, kds_legato_200 };

[[nodiscard]] std::string_view to_string(GalvanostatModel m) noexcept;  // "keithley-2400"
[[nodiscard]] std::string_view to_string(PumpModel m) noexcept;         // "ne-1000"
// The 2400 is reached over RS-232, the PalmSens models over USB (a virtual COM port); every
// other model over LAN (TCP port 5025).
[[nodiscard]] bool galvanostat_on_lan(GalvanostatModel m) noexcept;

struct GalvanostatConfig {
    GalvanostatModel model = GalvanostatModel::keithley_2400;
    std::string port;                          // serial device (2400) or host[:port] (the others, TCP 5025)
    double compliance_v = 10.0;                // voltage compliance of the current source
    double current_range_a = 0.0;              // source range; default: smallest decade that fits
    std::optional<double> potential_limit_v;   // software limit on |potential|, <= compliance
    int baud = 0;                              // 2400: default 9600; EmStat4 921600, Pico 230400; LAN models (TCP): 0
};

struct PumpConfig {
    PumpModel model = PumpModel::ne_1000;
    std::string port;
    double syringe_diameter_m = 0.0;
    double syringe_volume_m3 = 0.0;
    double max_rate_m3_per_s = 0.0;
    int baud = 19200;                          // NE default 19200; Harvard Elite, KDS Legato 115200
    double safe_mode_timeout_s = 0.0;          // NE-1000 safe mode (SAF n); 0 = basic mode
};

struct Recipe {
    std::string name;
    std::string description;
    std::string source_path;  // as given to load_recipe, or the name given to parse_recipe
    std::string text;         // verbatim
    std::string sha256;       // lower-case hex of text
    // [recipe] link_loss_grace: an instrument's link may be gone this long and be reopened
    // (issue 13 item 3); longer faults the run. 0: a lost link faults at once.
    double link_loss_grace_s = 5.0;
    plan::PlanRequest plan;   // plan.pump mirrors `pump` (present = false without [pump])
    GalvanostatConfig galvanostat;
    std::optional<PumpConfig> pump;
    // Where plan.cell.chemistry came from: "recipe", "calibration PATH sha256 HEX" (the recipe's
    // [chemistry] calibration key) or "--chemistry PATH sha256 HEX" (recipes/format/chemistry_file.hpp).
    std::string chemistry_source = "recipe";
    // The chemistry the recipe's own text states, before any calibration or --chemistry file: what
    // a simulated plant defaults to where it is silent (the plant is the world, not the estimate).
    model::Chemistry recipe_chemistry;

    // Current magnitude the recipe asks of the galvanostat, A.
    [[nodiscard]] double current_a() const noexcept {
        return plan.deposit.current_density_a_per_m2 * plan.cell.cell.electrode_area_m2;
    }
};

// Reads and validates a recipe file (refused if larger than max_recipe_bytes).
[[nodiscard]] Result<Recipe> load_recipe(const std::string& path);
// What parse_recipe does with a `[chemistry] calibration = "FILE"` key: read FILE (relative to the
// directory of name_for_errors) and apply it, or leave the recipe's own chemistry (a journaled
// recipe whose effective chemistry was journaled with it).
enum class CalibrationFile { apply, ignore };

// Validates recipe text; name_for_errors is the "file" part of error positions.
[[nodiscard]] Result<Recipe> parse_recipe(std::string_view text, std::string_view name_for_errors,
                                          CalibrationFile calibration = CalibrationFile::apply);

}  // namespace edc::recipes
