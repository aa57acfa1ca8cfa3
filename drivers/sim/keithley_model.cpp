#include "drivers/sim/keithley_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace edc::sim {
namespace {

constexpr double not_measured = 9.91e37;
constexpr std::size_t max_line = 4096;  // longer input: the instrument's buffer overflows
constexpr std::array<double, 7> current_ranges_a{1.05e-6, 1.05e-5, 1.05e-4, 1.05e-3, 1.05e-2, 1.05e-1, 1.05};

std::string sci(double v, bool plus) {
    char buf[40];
    std::snprintf(buf, sizeof buf, plus ? "%+.6E" : "%.6E", v);
    return buf;
}

double range_for(double level_a) {
    for (double r : current_ranges_a) {
        if (std::abs(level_a) <= r) return r;
    }
    return current_ranges_a.back();
}

}  // namespace

const char* to_string(OutputOffMode m) noexcept {
    switch (m) {
        case OutputOffMode::normal: return "NORM";
        case OutputOffMode::high_impedance: return "HIMP";
        case OutputOffMode::zero: return "ZERO";
        case OutputOffMode::guard: return "GUAR";
    }
    return "NORM";
}

enum class KeithleyModel::Cmd {
    idn, rst, cls, opc, stb, esr, wai, lang,
    syst_err, syst_beep, syst_rsen, syst_time_res,
    sour_func, sour_curr_mode, sour_curr_rang, sour_curr_rang_auto, sour_curr_lev, sour_curr_vlim,
    sour_curr_vlim_trip,
    sens_func, sens_volt_prot, sens_volt_prot_trip, sens_volt_rang, sens_volt_rang_auto, sens_volt_nplc,
    sens_volt_rsen,
    outp, outp_smod, form_data, form_elem, read,
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

KeithleyModel::KeithleyModel(SimCell& cell, KeithleyOptions options) : cell_(cell), options_(std::move(options)) {
    const bool k2450 = options_.model == SmuModel::keithley2450;
    if (options_.idn.empty()) {
        options_.idn.append(k2450 ? std::string_view("KEITHLEY INSTRUMENTS,MODEL 2450,04365704,1.6.4c")
                                  : std::string_view("KEITHLEY INSTRUMENTS INC.,MODEL 2400,1207317,C30   Mar 17 "
                                                     "2006 09:29:29/A02  /K/J"));
    }
    if (options_.reply_terminator.empty()) options_.reply_terminator.push_back(k2450 ? '\n' : '\r');
    reset();
}

const std::vector<KeithleyModel::Entry>& KeithleyModel::table() const {
    using C = Cmd;
    static const std::vector<Entry> common{
        {ScpiPattern("*IDN"), C::idn, false, true},   {ScpiPattern("*RST"), C::rst, true, false},
        {ScpiPattern("*CLS"), C::cls, true, false},   {ScpiPattern("*OPC"), C::opc, true, true},
        {ScpiPattern("*STB"), C::stb, false, true},   {ScpiPattern("*ESR"), C::esr, false, true},
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
        t.push_back({ScpiPattern("[SENSe]:VOLTage[:DC]:PROTection:TRIPped"), C::sens_volt_prot_trip, false, true});
        t.push_back({ScpiPattern("OUTPut:SMODe"), C::outp_smod, true, true});
        t.push_back({ScpiPattern("FORMat[:DATA]"), C::form_data, true, true});
        t.push_back({ScpiPattern("FORMat:ELEMents[:SENSe]"), C::form_elem, true, true});
        return t;
    }();
    static const std::vector<Entry> k2450 = [] {
        auto t = common;
        t.push_back({ScpiPattern("*LANG"), C::lang, false, true});
        t.push_back({ScpiPattern("[SOURce]:CURRent:VLIMit[:LEVel]"), C::sour_curr_vlim, true, true});
        t.push_back({ScpiPattern("[SOURce]:CURRent:VLIMit[:LEVel]:TRIPped"), C::sour_curr_vlim_trip, false, true});
        t.push_back({ScpiPattern("[SENSe]:VOLTage[:DC]:RSENse"), C::sens_volt_rsen, true, true});
        t.push_back({ScpiPattern("OUTPut:CURRent:SMODe"), C::outp_smod, true, true});
        return t;
    }();
    return options_.model == SmuModel::keithley2450 ? k2450 : k2400;
}

void KeithleyModel::reset() {
    const long commands = state_.commands;
    const long reads = state_.reads;
    const bool ever_on = state_.output_ever_on;
    state_ = KeithleyState{};
    state_.commands = commands;
    state_.reads = reads;
    state_.output_ever_on = ever_on;
    if (options_.model == SmuModel::keithley2450) {
        // The 2450 powers up as a voltage source measuring current, output off, NORMal.
        state_.elements = {ReadElement::volt};
    }
    apply_drive();
}

void KeithleyModel::apply_drive() {
    cell_.set_drive({state_.output_on && state_.source_current, state_.level_a, state_.compliance_v});
}

void KeithleyModel::error(int code, std::string_view text) {
    if (code < 0 && code >= -199) esr_ |= 32;       // command error
    else if (code <= -200 && code >= -299) esr_ |= 16;  // execution error
    else if (code <= -400 && code >= -499) esr_ |= 4;   // query error
    else esr_ |= 8;                                      // device-dependent
    errors_.push(code, std::string(text));
}

void KeithleyModel::inject_error(int code, std::string text) {
    if (code == 810) {
        state_.output_on = false;
        apply_drive();
    }
    error(code, text);
}

std::vector<WireReply> KeithleyModel::receive(std::string_view bytes, Instant now) {
    std::vector<WireReply> out;
    for (char c : bytes) {
        if (c == '\x18') {  // ^X: device clear
            line_.clear();
            continue;
        }
        if (c == '\r' || c == '\n') {
            if (!line_.empty()) execute_line(line_, now, out);
            line_.clear();
            continue;
        }
        if (line_.size() >= max_line) {
            error(-223, "Too much data");
            line_.clear();
        }
        line_.push_back(c);
    }
    return out;
}

void KeithleyModel::execute_line(std::string_view line, Instant now, std::vector<WireReply>& out) {
    Context ctx{now, {}, options_.command_processing_s};
    for (const auto& c : parse_scpi_message(line)) {
        ++state_.commands;
        if (c.error_code != 0) {
            error(c.error_code, c.error_text);
            continue;
        }
        execute(c, ctx);
    }
    if (ctx.answers.empty()) {
        if (ctx.processing_s > options_.command_processing_s) out.push_back({"", ctx.processing_s});
        return;
    }
    std::string reply;
    for (std::size_t i = 0; i < ctx.answers.size(); ++i) {
        if (i > 0) reply += ';';
        reply += ctx.answers[i];
    }
    reply += options_.reply_terminator;
    out.push_back({std::move(reply), ctx.processing_s});
}

void KeithleyModel::execute(const ScpiCommand& c, Context& ctx) {
    const Entry* entry = nullptr;
    for (const auto& e : table()) {
        if (e.pattern.matches(c.header) && (c.query ? e.queryable : e.settable)) {
            entry = &e;
            break;
        }
    }
    const bool k2450 = options_.model == SmuModel::keithley2450;
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
            case ScpiNumberKind::invalid: error(-104, "Data type error"); return false;
            case ScpiNumberKind::minimum: out = lo; return true;
            case ScpiNumberKind::maximum: out = hi; return true;
            case ScpiNumberKind::def: out = def; return true;
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
        case Cmd::idn: answer(options_.idn); break;
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
            if (c.query) answer("1"); else esr_ |= 1;
            break;
        case Cmd::stb: answer(std::to_string((errors_.empty() ? 0 : 4) | (esr_ != 0 ? 32 : 0))); break;
        case Cmd::esr:
            answer(std::to_string(esr_));
            esr_ = 0;
            break;
        case Cmd::wai: break;
        case Cmd::lang: answer("SCPI"); break;
        case Cmd::syst_err: {
            const auto e = errors_.pop();
            answer(std::to_string(e.code) + ",\"" + e.text + "\"");
            break;
        }
        case Cmd::syst_beep:
            if (c.query) answer(s.beep ? "1" : "0"); else boolean(s.beep);
            break;
        case Cmd::syst_rsen:
        case Cmd::sens_volt_rsen:
            if (c.query) answer(s.remote_sense ? "1" : "0"); else boolean(s.remote_sense);
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
            } else if (number(k2450 ? 0.02 : 2e-4, 210.0, 21.0, s.compliance_v)) {
                apply_drive();
            }
            break;
        case Cmd::sour_curr_vlim_trip:
        case Cmd::sens_volt_prot_trip: answer(s.tripped ? "1" : "0"); break;
        case Cmd::sens_func: {
            if (c.query) {
                answer(s.sense_volt ? (k2450 ? "\"VOLT:DC\"" : "\"VOLT:DC\",\"CURR:DC\"") : "\"CURR:DC\"");
                break;
            }
            if (p.empty()) {
                error(-109, "Missing parameter");
                return;
            }
            bool volt = false;
            for (const auto& f : p) {
                const std::string up = scpi_upper(f.text);
                if (up == "VOLT" || up == "VOLT:DC" || up == "VOLTAGE" || up == "VOLTAGE:DC") volt = true;
                else if (up != "CURR" && up != "CURR:DC" && up != "CURRENT" && up != "CURRENT:DC" && up != "RES" &&
                         up != "RESISTANCE") {
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
            if (c.query) answer(s.volt_range_auto ? "1" : "0"); else boolean(s.volt_range_auto);
            break;
        case Cmd::sens_volt_nplc:
            if (c.query) answer(sci(s.nplc, !k2450)); else number(0.01, 10.0, 1.0, s.nplc);
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
            if (!keyword({{"NORM", "NORMAL"}, {"HIMP", "HIMPEDANCE"}, {"ZERO", "ZERO"}, {"GUAR", "GUARD"}}, i)) return;
            s.off_mode = static_cast<OutputOffMode>(i);
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
                static constexpr std::array<const char*, 5> long_names{"VOLTAGE", "CURRENT", "RESISTANCE", "TIME",
                                                                        "STATUS"};
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

std::string KeithleyModel::read_reply(const ScpiCommand& c, Context& ctx) {
    const bool k2450 = options_.model == SmuModel::keithley2450;
    auto& s = state_;
    if (!s.output_on) {
        error(803, "Not permitted with OUTPUT off");
        return {};
    }
    ctx.processing_s += s.nplc / options_.line_frequency_hz + options_.read_overhead_s;
    ++s.reads;
    const auto reading = cell_.reading();
    s.tripped = reading.limited;
    const double volts = s.sense_volt ? reading.potential_v : not_measured;
    const double amps = s.source_current ? reading.current_a : not_measured;
    std::string out;
    auto add = [&](const std::string& v) {
        if (!out.empty()) out.push_back(',');
        out.append(v);
    };
    if (!k2450) {
        const int status = (reading.limited ? 1 << 3 : 0);
        for (auto e : s.elements) {
            switch (e) {
                case ReadElement::volt: add(sci(volts, true)); break;
                case ReadElement::curr: add(sci(amps, true)); break;
                case ReadElement::res: add(sci(not_measured, true)); break;
                case ReadElement::time: add(sci(ctx.now.sim_s - s.timestamp_zero_s, true)); break;
                case ReadElement::stat: add(sci(status, true)); break;
            }
        }
        return out;
    }
    // 2450: READ? ["<buffer>"[, <element>...]]; without elements the reading alone.
    const auto& p = c.params;
    if (!p.empty() && !p[0].quoted) {
        error(-104, "Data type error;buffer name must be a string");
        return {};
    }
    if (!p.empty() && p[0].text != "defbuffer1" && p[0].text != "defbuffer2") {
        error(-224, "Illegal parameter value;unknown reading buffer");
        return {};
    }
    if (p.size() <= 1) return sci(volts, false);
    const int sourstat = 128 | (reading.limited ? 32 : 0);
    for (std::size_t i = 1; i < p.size(); ++i) {
        const std::string up = scpi_upper(p[i].text);
        if (up == "READ" || up == "READING") add(sci(volts, false));
        else if (up == "SOUR" || up == "SOURCE") add(sci(amps, false));
        else if (up == "SOURSTAT" || up == "SOURCESTATUS") add(std::to_string(sourstat));
        else if (up == "REL" || up == "RELATIVE") add(sci(ctx.now.sim_s - s.timestamp_zero_s, false));
        else {
            error(-224, "Illegal parameter value;unknown buffer element");
            return {};
        }
    }
    return out;
}

}  // namespace edc::sim
