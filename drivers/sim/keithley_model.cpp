#include "drivers/sim/keithley_model.hpp"

#include <algorithm>

#include "drivers/sim/keithley_model_internal.hpp"

namespace edc::sim {
namespace {

constexpr std::size_t max_line = 4096;  // longer input: the instrument's buffer overflows

}  // namespace

using keithley_detail::not_measured;
using keithley_detail::sci;

const char* to_string(OutputOffMode m) noexcept {
    switch (m) {
        case OutputOffMode::normal:
            return "NORM";
        case OutputOffMode::high_impedance:
            return "HIMP";
        case OutputOffMode::zero:
            return "ZERO";
        case OutputOffMode::guard:
            return "GUAR";
    }
    return "NORM";
}

KeithleyModel::KeithleyModel(SimCell& cell, KeithleyOptions options)
    : cell_(cell), options_(std::move(options)), dialect_(smu_dialect(options_.model)) {
    if (options_.idn.empty()) options_.idn = dialect_.idn;
    if (options_.reply_terminator.empty()) options_.reply_terminator = dialect_.terminator;
    reset();
}

void KeithleyModel::reset() {
    const long commands = state_.commands;
    const long reads = state_.reads;
    const bool ever_on = state_.output_ever_on;
    state_ = KeithleyState{};
    state_.commands = commands;
    state_.reads = reads;
    state_.output_ever_on = ever_on;
    if (family() == SmuFamily::keithley2450) {
        // The 2450 powers up as a voltage source measuring current, output off, NORMal.
        state_.elements = {ReadElement::volt};
    }
    apply_drive();
}

void KeithleyModel::restore(const KeithleyState& saved) {
    state_.output_on = saved.output_on;
    state_.output_ever_on = saved.output_ever_on;
    state_.off_mode = saved.off_mode;
    state_.source_current = saved.source_current;
    state_.level_a = saved.level_a;
    state_.range_a = saved.range_a;
    state_.range_auto = saved.range_auto;
    state_.compliance_v = saved.compliance_v;
    state_.nplc = saved.nplc;
    state_.remote_sense = saved.remote_sense;
    apply_drive();
}

void KeithleyModel::apply_drive() {
    cell_.set_drive({state_.output_on && state_.source_current, state_.level_a, state_.compliance_v});
}

void KeithleyModel::error(int code, std::string_view text) {
    if (code < 0 && code >= -199)
        esr_ |= 32;  // command error
    else if (code <= -200 && code >= -299)
        esr_ |= 16;  // execution error
    else if (code <= -400 && code >= -499)
        esr_ |= 4;  // query error
    else
        esr_ |= 8;  // device-dependent
    errors_.push(code, std::string(text));
}

void KeithleyModel::inject_error(int code, const std::string& text) {
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
    log_.add(line);
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

std::string KeithleyModel::read_reply(const ScpiCommand& c, Context& ctx) {
    const bool k2450 = family() == SmuFamily::keithley2450;
    const bool b2900 = family() == SmuFamily::keysight_b2900;
    auto& s = state_;
    // The B2900 measures with the output relay open too (its :MEAS? does not switch it on).
    if (!s.output_on && !b2900) {
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
        // 2400: bit 3 = in compliance. B2900 (Table 1-2): bit 0 = current source, bits 1-2 =
        // compliance (2 on channel 1).
        const int status =
            b2900 ? ((s.source_current ? 1 : 0) | (reading.limited ? 2 : 0)) : (reading.limited ? 1 << 3 : 0);
        for (auto e : s.elements) {
            switch (e) {
                case ReadElement::volt:
                    add(sci(volts, true));
                    break;
                case ReadElement::curr:
                    add(sci(amps, true));
                    break;
                case ReadElement::res:
                    add(sci(not_measured, true));
                    break;
                case ReadElement::time:
                    add(sci(ctx.now.sim_s - s.timestamp_zero_s, true));
                    break;
                case ReadElement::stat:
                    add(sci(status, true));
                    break;
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
        if (up == "READ" || up == "READING")
            add(sci(volts, false));
        else if (up == "SOUR" || up == "SOURCE")
            add(sci(amps, false));
        else if (up == "SOURSTAT" || up == "SOURCESTATUS")
            add(std::to_string(sourstat));
        else if (up == "REL" || up == "RELATIVE")
            add(sci(ctx.now.sim_s - s.timestamp_zero_s, false));
        else {
            error(-224, "Illegal parameter value;unknown buffer element");
            return {};
        }
    }
    return out;
}

}  // namespace edc::sim
