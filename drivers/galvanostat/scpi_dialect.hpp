#pragma once
// The SCPI source-meters edc drives as galvanostats, one table entry each (as libsigrok keeps
// its SCPI dialects): the wire framing, the language check, the command groups that set the
// instrument up as a current source with voltage readback, the reading form, the status bits,
// the output-off mode, the compliance command and the model's limits. The facts and their
// sources are in docs/scpi-source-meters.md and protocols.md sections 1-3.
//
// Command templates carry placeholders the driver fills in: {range} (source range, A),
// {amps} (level, A), {compliance} (V), {nplc}, {sense} (ON for four-wire, else OFF).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/galvanostat/keithley_limits.hpp"
#include "drivers/galvanostat/scpi_reading.hpp"

namespace edc {

struct ScpiDialect {
    std::string model;                   // recipe name: "keithley-2400", "keysight-b2901a"
    std::string display;                 // "Keithley 2400"
    std::string idn_model;               // what *IDN?'s second field holds: "MODEL 2400", "B2901A"
    std::string terminator;              // appended to every command
    bool reply_ending_settable = false;  // 2400: the front panel chooses CR, LF, CR+LF
    bool lan_only = false;               // no RS-232: reached as tcp://host:5025
    unsigned default_baud = 0;           // RS-232 factory default (0: no RS-232)
    // Language check before configure: the query, the answer that means "this dialect", and
    // where on the instrument to change it. Empty query: the instrument has one language.
    std::string language_query;
    std::string language_expected;
    std::string language_hint;
    // Error queue entries that *RST keeps are cleared first; then each group is written and
    // the error queue drained, so an error names the group that caused it.
    std::vector<std::string> source_setup;
    std::vector<std::string> sense_setup;
    std::vector<std::string> output_setup;
    std::string level_command;          // ":SOUR:CURR:LEV {amps}"
    std::vector<std::string> safe_off;  // level 0, output-off mode high impedance, output off
    std::string output_off_mode;        // the high-impedance output-off setting (docs, tests)
    std::string compliance_command;     // the voltage-compliance command's name
    ScpiReadForm read;
    keithley::ModelLimits limits{};
    std::uint16_t lan_port = 5025;
};

// Every entry, in the order the docs list them.
[[nodiscard]] std::span<const ScpiDialect> scpi_dialects();
// The entry for a recipe model name; nullptr if there is none.
[[nodiscard]] const ScpiDialect* find_scpi_dialect(std::string_view model);
// The entry whose model an *IDN? answer names (its second field: "MODEL 2460", "B2901A");
// the 2400 family (2400, 2401, 2410, ...) shares one entry. nullptr: none of ours.
[[nodiscard]] const ScpiDialect* find_scpi_dialect_by_identity(std::string_view idn);
// "keithley-2400, keithley-2450, ..." for error messages.
[[nodiscard]] std::string scpi_dialect_names();
// A template with its placeholders filled in.
[[nodiscard]] std::string fill_scpi_template(std::string_view command, const GalvanostatSettings& s,
                                             double amps = 0.0);

}  // namespace edc
