#include "drivers/pump/pump_limits.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "control/model/units.hpp"
#include "control/text.hpp"

namespace edc {

namespace {

constexpr double per_min = 1.0 / 60.0;

// NE-1000: protocols.md section 4 gives only "max ~2-3 mL/min at 4.7 mm, ~100+ mL/min at
// 26.6 mm"; 185 mm/min top speed matches both (3.2 and 103 mL/min). Elite: chosen so a
// 26.59 mm syringe gives protocols.md's `irate lim` reply "0.0366 ul/min to 26.64 ml/min".
constexpr PlungerSpeedRange newera_1000{6.8e-7 * per_min, 0.185 * per_min};
constexpr PlungerSpeedRange harvard_elite{6.5911e-8 * per_min, 0.047975 * per_min};
// KD Scientific Legato 100/180/200: flow range "1.28 pl/min (0.5 ul syringe, 0.103 mm bore) to
// 216 ml/min (140 ml syringe, 38 mm bore)" (docs/protocols/legato.md).
constexpr PlungerSpeedRange kds_legato{1.536e-7 * per_min, 0.1905 * per_min};

}  // namespace

Result<PlungerSpeedRange> plunger_speed_range(std::string_view model) {
    if (model == "ne-1000") return newera_1000;
    if (model == "harvard-elite") return harvard_elite;
    if (model == "kds-legato-100" || model == "kds-legato-180" || model == "kds-legato-200") return kds_legato;
    return fail("unknown_model",
                strf("pump model '%.*s' has no rate table (ne-1000, harvard-elite, kds-legato-100/180/200)",
                     static_cast<int>(model.size()), model.data()),
                "pump_rate_range");
}

Result<PumpRateRange> pump_rate_range(std::string_view model, double inner_diameter_m) {
    auto speed = plunger_speed_range(model);
    if (!speed) return std::unexpected(speed.error());
    if (!std::isfinite(inner_diameter_m) || inner_diameter_m <= 0.0) {
        return fail("out_of_range", strf("syringe diameter %g mm must be positive", inner_diameter_m * 1e3),
                    "pump_rate_range");
    }
    const double area_m2 = std::numbers::pi * inner_diameter_m * inner_diameter_m / 4.0;
    return PumpRateRange{speed->min_m_per_s * area_m2, speed->max_m_per_s * area_m2};
}

Result<void> check_planned_rate(std::string_view model, double inner_diameter_m,
                                double planned_max_m3_per_s) {
    auto range = pump_rate_range(model, inner_diameter_m);
    if (!range) return std::unexpected(range.error());
    if (planned_max_m3_per_s <= range->max_m3_per_s) return {};
    const std::string name(model);
    return fail("out_of_range",
                strf("planned peak rate %.4g mL/min exceeds what a %s can pump on a %.4g mm syringe "
                     "(%.4g mL/min at most); use a wider syringe or a plan that needs less",
                     units::m3_per_s_to_ml_per_min(planned_max_m3_per_s), name.c_str(),
                     inner_diameter_m / units::m_per_mm, units::m3_per_s_to_ml_per_min(range->max_m3_per_s)),
                "pump.max_rate");
}

}  // namespace edc
