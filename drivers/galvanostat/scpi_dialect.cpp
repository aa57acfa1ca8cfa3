#include "drivers/galvanostat/scpi_dialect.hpp"

#include <array>

namespace edc {
namespace {

using keithley::scpi_number;

// Keithley 2400 series over RS-232 (protocols.md section 1; 2400 User's Manual section 18).
ScpiDialect keithley_2400() {
    ScpiDialect d;
    d.model = "keithley-2400";
    d.display = "Keithley 2400";
    d.idn_model = "MODEL 24";
    d.terminator = "\r";
    d.reply_ending_settable = true;
    d.default_baud = 9600;
    d.source_setup = {"*RST",
                      ":SYST:BEEP:STAT 0",
                      ":SOUR:FUNC CURR",
                      ":SOUR:CURR:MODE FIX",
                      ":SOUR:CURR:RANG {range}",
                      ":SOUR:CURR:LEV 0"};
    d.sense_setup = {":SENS:FUNC 'VOLT'", ":SENS:VOLT:PROT {compliance}", ":SENS:VOLT:RANG:AUTO 1",
                     ":SENS:VOLT:NPLC {nplc}", ":SYST:RSEN {sense}"};
    d.output_setup = {":OUTP:SMOD HIMP", ":FORM:ELEM VOLT,CURR,TIME,STAT"};
    d.level_command = ":SOUR:CURR:LEV {amps}";
    // HIMP before OFF, so the output opens into high impedance rather than a 0 V short.
    d.safe_off = {":SOUR:CURR:LEV 0", ":OUTP:SMOD HIMP", ":OUTP OFF"};
    d.output_off_mode = ":OUTP:SMOD HIMP";
    d.compliance_command = ":SENS:VOLT:PROT";
    d.read.command = ":READ?";
    d.read.fields = 4;
    d.read.volt_field = 0;
    d.read.curr_field = 1;
    d.read.has_time = true;
    d.read.time_field = 2;
    d.read.status_field = 3;
    d.read.status_bound = 16777216.0;  // 24-bit status word
    d.read.compliance_mask = 1U << 3;  // bit 3: in compliance
    d.read.elements_hint = "FORM:ELEM not VOLT,CURR,TIME,STAT?";
    d.limits = {"Keithley 2400", 1.05, 1e-6, 210.0, 0.2e-3, 0.01, 10.0};
    return d;
}

// The 2450 family's native SCPI command set over LAN (protocols.md section 2; 2450 Reference
// Manual section 6): 2450, 2460, 2461 share it and differ in their limits.
ScpiDialect keithley_2450_family(const char* model, const char* display, const char* idn_model,
                                 const keithley::ModelLimits& limits) {
    ScpiDialect d;
    d.model = model;
    d.display = display;
    d.idn_model = idn_model;
    d.terminator = "\n";
    d.lan_only = true;
    d.language_query = "*LANG?";
    d.language_expected = "SCPI";
    d.language_hint = "MENU > System > Settings > Command Set";
    d.source_setup = {"*RST", ":SOUR:FUNC CURR", ":SOUR:CURR:RANG {range}", ":SOUR:CURR:LEV 0",
                      ":SOUR:CURR:VLIM {compliance}"};
    d.sense_setup = {":SENS:FUNC \"VOLT:DC\"", ":SENS:VOLT:RSEN {sense}", ":SENS:VOLT:NPLC {nplc}"};
    d.output_setup = {":OUTP:CURR:SMOD HIMP"};
    d.level_command = ":SOUR:CURR:LEV {amps}";
    d.safe_off = {":SOUR:CURR:LEV 0", ":OUTP:CURR:SMOD HIMP", ":OUTP OFF"};
    d.output_off_mode = ":OUTP:CURR:SMOD HIMP";
    d.compliance_command = ":SOUR:CURR:VLIM";
    d.read.command = ":READ? \"defbuffer1\", READ, SOUR, SOURSTAT";
    d.read.fields = 3;
    d.read.volt_field = 0;
    d.read.curr_field = 1;
    d.read.status_field = 2;
    d.read.status_bound = 65536.0;
    d.read.compliance_mask = 32;  // SOURSTAT bit 5: source limited
    d.read.elements_hint = "READ, SOUR, SOURSTAT";
    d.limits = limits;
    return d;
}

// Keysight B2901A/B2902A (B2900 SCPI Command Reference): one language, LF, socket port 5025;
// on the two-channel B2902A the commands without a channel suffix address channel 1.
ScpiDialect keysight_b2900(const char* model, const char* display, const char* idn_model) {
    ScpiDialect d;
    d.model = model;
    d.display = display;
    d.idn_model = idn_model;
    d.terminator = "\n";
    d.lan_only = true;
    d.source_setup = {"*RST", ":SOUR:FUNC:MODE CURR", ":SOUR:CURR:RANG {range}", ":SOUR:CURR 0"};
    d.sense_setup = {":SENS:FUNC \"VOLT\"", ":SENS:VOLT:PROT {compliance}", ":SENS:VOLT:RANG:AUTO ON",
                     ":SENS:VOLT:NPLC {nplc}", ":SENS:REM {sense}"};
    d.output_setup = {":OUTP:OFF:MODE HIZ", ":FORM:ELEM:SENS VOLT,CURR,TIME,STAT"};
    d.level_command = ":SOUR:CURR {amps}";
    d.safe_off = {":SOUR:CURR 0", ":OUTP:OFF:MODE HIZ", ":OUTP OFF"};
    d.output_off_mode = ":OUTP:OFF:MODE HIZ";
    d.compliance_command = ":SENS:VOLT:PROT";
    d.read.command = ":MEAS?";
    d.read.fields = 4;
    d.read.volt_field = 0;
    d.read.curr_field = 1;
    d.read.has_time = true;
    d.read.time_field = 2;
    d.read.status_field = 3;
    d.read.status_bound = 2097152.0;  // bits 0-20
    d.read.compliance_mask = 0b110U;  // bits 1-2: compliance
    d.read.elements_hint = "FORM:ELEM:SENS not VOLT,CURR,TIME,STAT?";
    d.limits = {display, 3.03, 1e-7, 210.0, 0.02, 0.01, 10.0};
    return d;
}

const std::array<ScpiDialect, 6>& table() {
    static const std::array<ScpiDialect, 6> dialects{
        keithley_2400(),
        keithley_2450_family("keithley-2450", "Keithley 2450", "MODEL 2450",
                             {"Keithley 2450", 1.05, 10e-9, 210.0, 0.02, 0.01, 10.0}),
        keithley_2450_family("keithley-2460", "Keithley 2460", "MODEL 2460",
                             {"Keithley 2460", 7.35, 1e-6, 105.0, 0.02, 0.01, 10.0}),
        keithley_2450_family("keithley-2461", "Keithley 2461", "MODEL 2461",
                             {"Keithley 2461", 7.35, 1e-6, 105.0, 0.02, 0.01, 10.0}),
        keysight_b2900("keysight-b2901a", "Keysight B2901A", "B2901A"),
        keysight_b2900("keysight-b2902a", "Keysight B2902A", "B2902A"),
    };
    return dialects;
}

}  // namespace

std::span<const ScpiDialect> scpi_dialects() {
    return table();
}

const ScpiDialect* find_scpi_dialect(std::string_view model) {
    for (const auto& d : table()) {
        if (d.model == model) return &d;
    }
    return nullptr;
}

const ScpiDialect* find_scpi_dialect_by_identity(std::string_view idn) {
    const auto first = idn.find(',');
    if (first == std::string_view::npos) return nullptr;
    auto field = idn.substr(first + 1);
    field = field.substr(0, field.find(','));
    while (!field.empty() && field.front() == ' ') field.remove_prefix(1);
    while (!field.empty() && field.back() == ' ') field.remove_suffix(1);
    const ScpiDialect* family = nullptr;
    for (const auto& d : table()) {
        if (field == d.idn_model) return &d;
        // The 2400 entry's "MODEL 24" names a family; an exact match (2450, 2460) wins over it.
        if (field.starts_with(d.idn_model) && family == nullptr) family = &d;
    }
    return family;
}

std::string scpi_dialect_names() {
    std::string names;
    for (const auto& d : table()) {
        if (!names.empty()) names += ", ";
        names += d.model;
    }
    return names;
}

std::string fill_scpi_template(std::string_view command, const GalvanostatSettings& s, double amps) {
    std::string out;
    while (!command.empty()) {
        const auto open = command.find('{');
        const auto close = command.find('}', open);
        if (open == std::string_view::npos || close == std::string_view::npos) break;
        out.append(command.substr(0, open));
        const auto name = command.substr(open + 1, close - open - 1);
        if (name == "range")
            out += scpi_number(s.current_range_a);
        else if (name == "amps")
            out += scpi_number(amps);
        else if (name == "compliance")
            out += scpi_number(s.compliance_v);
        else if (name == "nplc")
            out += scpi_number(s.nplc);
        else if (name == "sense")
            out += s.four_wire ? "ON" : "OFF";
        command.remove_prefix(close + 1);
    }
    out.append(command);
    return out;
}

}  // namespace edc
