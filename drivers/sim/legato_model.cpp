#include "drivers/sim/legato_model.hpp"

#include <array>
#include <string>

namespace edc::sim {
namespace {

struct LegatoEntry {
    std::string_view name;
    std::string_view ver;  // `ver` reply: model name, then firmware
    bool withdraws;
};

// KD Scientific's catalogue: the 100 and the 200 (multi-rack) infuse only, the 180 infuses and
// withdraws. The firmware number after the model name is an example (docs/protocols/legato.md).
constexpr std::array<LegatoEntry, 3> legatos{{
    {"kds-legato-100", "Legato 100 3.0.6", false},
    {"kds-legato-180", "Legato 180 3.0.6", true},
    {"kds-legato-200", "Legato 200 3.0.6", false},
}};

// Plunger speed range of the Legato drive, from KD Scientific's flow range "1.28 pl/min (0.5 ul
// syringe, 0.103 mm bore) to 216 ml/min (140 ml syringe, 38 mm bore)": 0.1536 um/min to
// 190.5 mm/min. The same figures are in drivers/pump/pump_limits.cpp.
constexpr double per_min = 1.0 / 60.0;
constexpr double min_speed_m_per_s = 1.536e-7 * per_min;
constexpr double max_speed_m_per_s = 0.1905 * per_min;

}  // namespace

bool is_legato_model(std::string_view model) {
    for (const auto& l : legatos)
        if (l.name == model) return true;
    return false;
}

std::optional<HarvardOptions> legato_options(std::string_view model) {
    for (const auto& l : legatos) {
        if (l.name != model) continue;
        HarvardOptions o;
        o.version = std::string(l.ver);
        o.withdraws = l.withdraws;
        o.min_speed_m_per_s = min_speed_m_per_s;
        o.max_speed_m_per_s = max_speed_m_per_s;
        o.poll = false;  // factory setting; a host may have left it on (`poll on`)
        return o;
    }
    return std::nullopt;
}

}  // namespace edc::sim
