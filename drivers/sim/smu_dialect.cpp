#include "drivers/sim/smu_dialect.hpp"

#include <array>

namespace edc::sim {
namespace {

using F = SmuFamily;
using M = SmuModel;

// Identities as the manuals print them (2400 User's Manual 16-3, 2450/2460/2461 Reference
// Manual appendix B, B2900 SCPI Command Reference *IDN?); serials and firmware made up.
constexpr std::array<SmuDialect, 6> table{{
    {"keithley-2400", M::keithley2400, F::keithley2400,
     "KEITHLEY INSTRUMENTS INC.,MODEL 2400,1207317,C30   Mar 17 2006 09:29:29/A02  /K/J", "\r", false, 1.05,
     210.0, 2e-4},
    {"keithley-2450", M::keithley2450, F::keithley2450, "KEITHLEY INSTRUMENTS,MODEL 2450,04365704,1.6.4c",
     "\n", true, 1.05, 210.0, 0.02},
    {"keithley-2460", M::keithley2460, F::keithley2450, "KEITHLEY INSTRUMENTS,MODEL 2460,04412345,1.7.0b",
     "\n", true, 7.35, 105.0, 0.02},
    {"keithley-2461", M::keithley2461, F::keithley2450, "KEITHLEY INSTRUMENTS,MODEL 2461,04467890,1.7.0b",
     "\n", true, 7.35, 105.0, 0.02},
    {"keysight-b2901a", M::keysight_b2901a, F::keysight_b2900,
     "Keysight Technologies,B2901A,MY51140123,3.4.2011.5100", "\n", true, 3.03, 210.0, 0.02},
    {"keysight-b2902a", M::keysight_b2902a, F::keysight_b2900,
     "Keysight Technologies,B2902A,MY51140456,3.4.2011.5100", "\n", true, 3.03, 210.0, 0.02},
}};

}  // namespace

std::span<const SmuDialect> smu_dialects() {
    return table;
}

const SmuDialect* find_smu_dialect(std::string_view model) {
    for (const auto& d : table) {
        if (model == d.model) return &d;
    }
    return nullptr;
}

const SmuDialect& smu_dialect(SmuModel id) {
    for (const auto& d : table) {
        if (d.id == id) return d;
    }
    return table.front();
}

}  // namespace edc::sim
