#pragma once
// Shared by keithley_model.cpp (framing, errors, :READ?) and keithley_commands.cpp (the
// command table and its handlers): the private types of KeithleyModel and the number format.
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "control/decimal.hpp"
#include "drivers/sim/keithley_model.hpp"

namespace edc::sim {
namespace keithley_detail {

inline constexpr double not_measured = 9.91e37;
inline constexpr std::array<double, 7> current_ranges_a{1.05e-6, 1.05e-5, 1.05e-4, 1.05e-3,
                                                        1.05e-2, 1.05e-1, 1.05};

// "%+.6E" on the 2400 ("+1.234500E-01"), "%.6E" on the 2450.
inline std::string sci(double v, bool plus) {
    return decimal::scientific(v, 6, plus);
}

// The smallest source range that holds the level.
inline double range_for(double level_a) {
    for (double r : current_ranges_a) {
        if (std::abs(level_a) <= r) return r;
    }
    return current_ranges_a.back();
}

}  // namespace keithley_detail

enum class KeithleyModel::Cmd {
    idn,
    rst,
    cls,
    opc,
    stb,
    esr,
    wai,
    lang,
    syst_err,
    syst_beep,
    syst_rsen,
    syst_time_res,
    sour_func,
    sour_curr_mode,
    sour_curr_rang,
    sour_curr_rang_auto,
    sour_curr_lev,
    sour_curr_vlim,
    sour_curr_vlim_trip,
    sens_func,
    sens_volt_prot,
    sens_volt_prot_trip,
    sens_volt_rang,
    sens_volt_rang_auto,
    sens_volt_nplc,
    sens_volt_rsen,
    sens_rem,
    outp,
    outp_smod,
    outp_off_mode,
    form_data,
    form_elem,
    read,
};

struct KeithleyModel::Entry {
    ScpiPattern pattern;
    Cmd cmd;
    bool settable;
    bool queryable;
};

struct KeithleyModel::Context {
    Instant now;
    std::vector<std::string> answers;
    double processing_s = 0.0;
};

}  // namespace edc::sim
