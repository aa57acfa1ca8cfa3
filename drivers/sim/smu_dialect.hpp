#pragma once
// The simulated source-meters, one entry each, keyed by the recipe's model names. Written from
// the manuals independently of drivers/galvanostat/scpi_dialect.cpp (the simulator must not
// share the drivers' reading of the protocols: the tests compare the two). An entry names the
// command set (family), the identity, the wire terminator, the link and the model's limits;
// KeithleyModel builds its command table from the family.
#include <span>
#include <string_view>

namespace edc::sim {

enum class SmuModel {
    keithley2400,
    keithley2450,
    keithley2460,
    keithley2461,
    keysight_b2901a,
    keysight_b2902a
};
// 2400 series SCPI (RS-232, CR), 2450-family native SCPI (LAN, LF), Keysight B2900 SCPI (LAN, LF).
enum class SmuFamily { keithley2400, keithley2450, keysight_b2900 };

struct SmuDialect {
    const char* model;  // "keithley-2460"
    SmuModel id;
    SmuFamily family;
    const char* idn;         // *IDN? answer
    const char* terminator;  // reply terminator
    bool lan;                // TCP socket (5025 on the instrument) instead of RS-232
    double max_current_a;    // largest source range
    double max_compliance_v;
    double min_compliance_v;
};

[[nodiscard]] std::span<const SmuDialect> smu_dialects();
[[nodiscard]] const SmuDialect* find_smu_dialect(std::string_view model);
[[nodiscard]] const SmuDialect& smu_dialect(SmuModel id);

}  // namespace edc::sim
