// The source-meter families' command tables (as in the manuals' SCPI tables) and their handlers.
#include <algorithm>
#include <array>
#include <cmath>

#include "drivers/sim/keithley_model.hpp"
#include "drivers/sim/keithley_model_internal.hpp"

namespace edc::sim {

using keithley_detail::current_ranges_a;
using keithley_detail::range_for;
using keithley_detail::sci;

const std::vector<KeithleyModel::Entry>& KeithleyModel::table() const {
    using C = Cmd;
    static const std::vector<Entry> common{
        {ScpiPattern("*IDN"), C::idn, false, true},
        {ScpiPattern("*RST"), C::rst, true, false},
        {ScpiPattern("*CLS"), C::cls, true, false},
        {ScpiPattern("*OPC"), C::opc, true, true},
        {ScpiPattern("*STB"), C::stb, false, true},
        {ScpiPattern("*ESR"), C::esr, false, true},
        {ScpiPattern("*WAI"), C::wai, true, false},
        {ScpiPattern("SYSTem:ERRor[:NEXT]"), C::syst_err, false, true},
        {ScpiPattern("SYSTem:BEEPer:STATe"), C::syst_beep, true, true},
        {ScpiPattern("[SOURce]:FUNCtion[:MODE]"), C::sour_func, true, true},
        {ScpiPattern("[SOURce]:CURRent:RANGe[:UPPer]"), C::sour_curr_rang, true, true},
        {ScpiPattern("[SOURce]:CURRent:RANGe:AUTO"), C::sour_curr_rang_auto, true, true},
        {ScpiPattern("[SOURce]:CURRent[:LEVel][:IMMediate][:AMPLitude]"), C::sour_curr_lev, true, true},
        {ScpiPattern("[SENSe]:FUNCtion[:ON]"), C::sens_func, true, true},
        {ScpiPattern("[SENSe]:VOLTage[:DC]:RANGe[:UPPer]"), C::sens_volt_rang, true, true},
        {ScpiPattern("[SENSe]:VOLTage[:DC]:RANGe:AUTO"), C::sens_volt_rang_auto, true, true},
        {ScpiPattern("[SENSe]:VOLTage[:DC]:NPLCycles"), C::sens_volt_nplc, true, true},
        {ScpiPattern("OUTPut[:STATe]"), C::outp, true, true},
        {ScpiPattern("READ"), C::read, false, true},
    };
    static const std::vector<Entry> k2400 = [] {
        auto t = common;
        t.push_back({ScpiPattern("SYSTem:RSENse"), C::syst_rsen, true, true});
        t.push_back({ScpiPattern("SYSTem:TIME:RESet"), C::syst_time_res, true, false});
        t.push_back({ScpiPattern("[SOURce]:CURRent:MODE"), C::sour_curr_mode, true, true});
        t.push_back({ScpiPattern("[SENSe]:VOLTage[:DC]:PROTection[:LEVel]"), C::sens_volt_prot, true, true});
        t.push_back(
            {ScpiPattern("[SENSe]:VOLTage[:DC]:PROTection:TRIPped"), C::sens_volt_prot_trip, false, true});
        t.push_back({ScpiPattern("OUTPut:SMODe"), C::outp_smod, true, true});
        t.push_back({ScpiPattern("FORMat[:DATA]"), C::form_data, true, true});
        t.push_back({ScpiPattern("FORMat:ELEMents[:SENSe]"), C::form_elem, true, true});
        return t;
    }();
    static const std::vector<Entry> k2450 = [] {
        auto t = common;
        t.push_back({ScpiPattern("*LANG"), C::lang, false, true});
        t.push_back({ScpiPattern("[SOURce]:CURRent:VLIMit[:LEVel]"), C::sour_curr_vlim, true, true});
        t.push_back(
            {ScpiPattern("[SOURce]:CURRent:VLIMit[:LEVel]:TRIPped"), C::sour_curr_vlim_trip, false, true});
        t.push_back({ScpiPattern("[SENSe]:VOLTage[:DC]:RSENse"), C::sens_volt_rsen, true, true});
        t.push_back({ScpiPattern("OUTPut:CURRent:SMODe"), C::outp_smod, true, true});
        return t;
    }();
    // B2900 SCPI Command Reference: the 2400's concurrent SENSe subsystem and :SENS:VOLT:PROT,
    // :SENS:REM for four-wire, :OUTP:OFF:MODE for the output-off state, :MEAS? for a spot reading.
    static const std::vector<Entry> b2900 = [] {
        auto t = common;
        t.push_back({ScpiPattern("[SENSe]:VOLTage[:DC]:PROTection[:LEVel]"), C::sens_volt_prot, true, true});
        t.push_back(
            {ScpiPattern("[SENSe]:VOLTage[:DC]:PROTection:TRIPped"), C::sens_volt_prot_trip, false, true});
        t.push_back({ScpiPattern("[SENSe]:REMote"), C::sens_rem, true, true});
        t.push_back({ScpiPattern("OUTPut:OFF:MODE"), C::outp_off_mode, true, true});
        t.push_back({ScpiPattern("FORMat[:DATA]"), C::form_data, true, true});
        t.push_back({ScpiPattern("FORMat:ELEMents[:SENSe]"), C::form_elem, true, true});
        t.push_back({ScpiPattern("MEASure"), C::read, false, true});
        return t;
    }();
    switch (family()) {
        case SmuFamily::keithley2450:
            return k2450;
        case SmuFamily::keysight_b2900:
            return b2900;
        case SmuFamily::keithley2400:
            break;
    }
    return k2400;
}

void KeithleyModel::execute(const ScpiCommand& c, Context& ctx) {
    const Entry* entry = nullptr;
    for (const auto& e : table()) {
        if (e.pattern.matches(c.header) && (c.query ? e.queryable : e.settable)) {
            entry = &e;
            break;
        }
    }
    const bool k2450 = family() == SmuFamily::keithley2450;
    if (entry == nullptr) {
        std::string detail = "Undefined header";
        if (k2450) {
            detail += ';';
            for (const auto& h : c.header) {
                if (h.front() != '*') detail.push_back(':');
                detail.append(h);
            }
        }
        error(-113, detail);
        return;
    }
    const auto& p = c.params;
    auto want_params = [&](std::size_t n) {
        if (p.size() < n) {
            error(-109, "Missing parameter");
            return false;
        }
        if (p.size() > n) {
            error(-108, "Parameter not allowed");
            return false;
        }
        return true;
    };
    // Numeric setting: value or MIN/MAX/DEF, range-checked (-222), else -104 / -109.
    auto number = [&](double lo, double hi, double def, double& out) {
        if (!want_params(1)) return false;
        const auto n = parse_scpi_number(p[0].text);
        switch (n.kind) {
            case ScpiNumberKind::invalid:
                error(-104, "Data type error");
                return false;
            case ScpiNumberKind::minimum:
                out = lo;
                return true;
            case ScpiNumberKind::maximum:
                out = hi;
                return true;
            case ScpiNumberKind::def:
                out = def;
                return true;
            case ScpiNumberKind::value:
                if (n.value < lo || n.value > hi) {
                    error(-222, "Parameter data out of range");
                    return false;
                }
                out = n.value;
                return true;
        }
        return false;
    };
    auto boolean = [&](bool& out) {
        if (!want_params(1)) return false;
        const int b = parse_scpi_bool(p[0].text);
        if (b < 0) {
            error(-104, "Data type error");
            return false;
        }
        out = b == 1;
        return true;
    };
    auto keyword = [&](std::initializer_list<std::pair<const char*, const char*>> choices, int& index) {
        if (!want_params(1)) return false;
        const std::string up = scpi_upper(p[0].text);
        int i = 0;
        for (const auto& [short_form, long_form] : choices) {
            if (up == short_form || up == long_form) {
                index = i;
                return true;
            }
            ++i;
        }
        error(-224, "Illegal parameter value");
        return false;
    };
    auto answer = [&](std::string s) { ctx.answers.push_back(std::move(s)); };
    auto no_query_params = [&] {
        if (!p.empty()) {
            error(-108, "Parameter not allowed");
            return false;
        }
        return true;
    };
    if (c.query && entry->cmd != Cmd::read && !no_query_params()) return;
    auto& s = state_;
    switch (entry->cmd) {
        case Cmd::idn:
            answer(options_.idn);
            break;
        case Cmd::rst:
            if (!want_params(0)) return;
            reset();
            s.timestamp_zero_s = ctx.now.sim_s;
            ctx.processing_s += 0.02;
            break;
        case Cmd::cls:
            if (!want_params(0)) return;
            errors_.clear();
            esr_ = 0;
            break;
        case Cmd::opc:
            if (c.query)
                answer("1");
            else
                esr_ |= 1;
            break;
        case Cmd::stb:
            answer(std::to_string((errors_.empty() ? 0 : 4) | (esr_ != 0 ? 32 : 0)));
            break;
        case Cmd::esr:
            answer(std::to_string(esr_));
            esr_ = 0;
            break;
        case Cmd::wai:
            break;
        case Cmd::lang:
            answer("SCPI");
            break;
        case Cmd::syst_err: {
            const auto e = errors_.pop();
            answer(std::to_string(e.code) + ",\"" + e.text + "\"");
            break;
        }
        case Cmd::syst_beep:
            if (c.query)
                answer(s.beep ? "1" : "0");
            else
                boolean(s.beep);
            break;
        case Cmd::syst_rsen:
        case Cmd::sens_volt_rsen:
        case Cmd::sens_rem:
            if (c.query)
                answer(s.remote_sense ? "1" : "0");
            else
                boolean(s.remote_sense);
            break;
        case Cmd::syst_time_res:
            if (want_params(0)) s.timestamp_zero_s = ctx.now.sim_s;
            break;
        case Cmd::sour_func: {
            if (c.query) {
                answer(s.source_current ? "CURR" : "VOLT");
                break;
            }
            int i = 0;
            if (!keyword({{"CURR", "CURRENT"}, {"VOLT", "VOLTAGE"}}, i)) return;
            if (s.output_on && (i == 0) != s.source_current) {
                error(-221, "Settings conflict");
                return;
            }
            s.source_current = i == 0;
            apply_drive();
            break;
        }
        case Cmd::sour_curr_mode: {
            if (c.query) {
                answer("FIX");
                break;
            }
            int i = 0;
            if (keyword({{"FIX", "FIXED"}}, i)) break;
            return;
        }
        case Cmd::sour_curr_rang: {
            if (c.query) {
                answer(sci(s.range_a, !k2450));
                break;
            }
            double v = 0.0;
            if (!number(-1.05, 1.05, 1.05e-4, v)) return;
            const double r = range_for(v);
            if (s.output_on && std::abs(s.level_a) > r) {
                error(-221, "Settings conflict");
                return;
            }
            s.range_a = r;
            s.range_auto = false;
            break;
        }
        case Cmd::sour_curr_rang_auto:
            if (c.query) {
                answer(s.range_auto ? "1" : "0");
            } else if (boolean(s.range_auto) && s.range_auto) {
                s.range_a = range_for(s.level_a);
            }
            break;
        case Cmd::sour_curr_lev: {
            if (c.query) {
                answer(sci(s.level_a, !k2450));
                break;
            }
            const double span = s.range_auto ? current_ranges_a.back() : s.range_a;
            double v = 0.0;
            if (!number(-span, span, 0.0, v)) return;
            s.level_a = v;
            if (s.range_auto) s.range_a = range_for(v);
            apply_drive();
            break;
        }
        case Cmd::sour_curr_vlim:
        case Cmd::sens_volt_prot:
            if (c.query) {
                answer(sci(s.compliance_v, !k2450));
            } else if (number(dialect_.min_compliance_v, dialect_.max_compliance_v, 21.0, s.compliance_v)) {
                apply_drive();
            }
            break;
        case Cmd::sour_curr_vlim_trip:
        case Cmd::sens_volt_prot_trip:
            answer(s.tripped ? "1" : "0");
            break;
        case Cmd::sens_func: {
            if (c.query) {
                answer(s.sense_volt ? (k2450 ? R"("VOLT:DC")" : R"("VOLT:DC","CURR:DC")") : R"("CURR:DC")");
                break;
            }
            if (p.empty()) {
                error(-109, "Missing parameter");
                return;
            }
            bool volt = false;
            for (const auto& f : p) {
                const std::string up = scpi_upper(f.text);
                if (up == "VOLT" || up == "VOLT:DC" || up == "VOLTAGE" || up == "VOLTAGE:DC")
                    volt = true;
                else if (up != "CURR" && up != "CURR:DC" && up != "CURRENT" && up != "CURRENT:DC" &&
                         up != "RES" && up != "RESISTANCE") {
                    error(-224, "Illegal parameter value");
                    return;
                }
            }
            // The 2400 turns functions on concurrently; the 2450 measures one function at a time.
            s.sense_volt = k2450 ? volt : (s.sense_volt || volt);
            break;
        }
        case Cmd::sens_volt_rang:
            if (c.query) {
                answer(sci(s.volt_range_v, !k2450));
            } else if (number(-210.0, 210.0, 21.0, s.volt_range_v)) {
                s.volt_range_v = std::abs(s.volt_range_v);
                s.volt_range_auto = false;
            }
            break;
        case Cmd::sens_volt_rang_auto:
            if (c.query)
                answer(s.volt_range_auto ? "1" : "0");
            else
                boolean(s.volt_range_auto);
            break;
        case Cmd::sens_volt_nplc:
            if (c.query)
                answer(sci(s.nplc, !k2450));
            else
                number(0.01, 10.0, 1.0, s.nplc);
            break;
        case Cmd::outp: {
            if (c.query) {
                answer(s.output_on ? "1" : "0");
                break;
            }
            bool on = false;
            if (!boolean(on)) return;
            s.output_on = on;
            if (on) s.output_ever_on = true;
            apply_drive();
            break;
        }
        case Cmd::outp_smod: {
            if (c.query) {
                answer(to_string(s.off_mode));
                break;
            }
            int i = 0;
            if (!keyword({{"NORM", "NORMAL"}, {"HIMP", "HIMPEDANCE"}, {"ZERO", "ZERO"}, {"GUAR", "GUARD"}},
                         i))
                return;
            s.off_mode = static_cast<OutputOffMode>(i);
            break;
        }
        case Cmd::outp_off_mode: {
            static constexpr std::array<OutputOffMode, 3> modes{
                OutputOffMode::normal, OutputOffMode::high_impedance, OutputOffMode::zero};
            if (c.query) {
                answer(s.off_mode == OutputOffMode::high_impedance ? "HIZ" : to_string(s.off_mode));
                break;
            }
            int i = 0;
            if (!keyword({{"NORM", "NORMAL"}, {"HIZ", "HIZ"}, {"ZERO", "ZERO"}}, i)) return;
            s.off_mode = modes.at(static_cast<std::size_t>(i));
            break;
        }
        case Cmd::form_data: {
            if (c.query) {
                answer("ASC");
                break;
            }
            if (p.empty()) {
                error(-109, "Missing parameter");
                return;
            }
            const std::string up = scpi_upper(p[0].text);
            if (up == "ASC" || up == "ASCII") break;
            if (up == "REAL" || up == "SRE" || up == "SREAL") {
                error(701, "ASCII only with RS-232");
                return;
            }
            error(-224, "Illegal parameter value");
            return;
        }
        case Cmd::form_elem: {
            static constexpr std::array<const char*, 5> names{"VOLT", "CURR", "RES", "TIME", "STAT"};
            if (c.query) {
                std::string list;
                for (auto e : s.elements) {
                    if (!list.empty()) list.push_back(',');
                    list.append(names[static_cast<std::size_t>(e)]);
                }
                answer(list);
                break;
            }
            if (p.empty()) {
                error(-109, "Missing parameter");
                return;
            }
            std::vector<ReadElement> elements;
            for (const auto& f : p) {
                const std::string up = scpi_upper(f.text);
                static constexpr std::array<const char*, 5> long_names{"VOLTAGE", "CURRENT", "RESISTANCE",
                                                                       "TIME", "STATUS"};
                bool found = false;
                for (std::size_t i = 0; i < names.size(); ++i) {
                    if (up == names[i] || up == long_names[i]) {
                        elements.push_back(static_cast<ReadElement>(i));
                        found = true;
                    }
                }
                if (!found) {
                    error(-224, "Illegal parameter value");
                    return;
                }
            }
            s.elements = std::move(elements);
            break;
        }
        case Cmd::read: {
            std::string r = read_reply(c, ctx);
            if (!r.empty()) answer(std::move(r));
            break;
        }
    }
}

}  // namespace edc::sim
