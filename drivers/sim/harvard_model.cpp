#include "drivers/sim/harvard_model.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "control/decimal.hpp"
#include "drivers/sim/syringe_mechanics.hpp"

namespace edc::sim {
namespace {

constexpr std::size_t max_line = 256;

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string g4(double v) {
    std::string s = decimal::general(v, 4);
    for (char& c : s) c = c == 'E' ? 'e' : c;  // the pump prints "%.4g"
    return s;
}

double volume_factor(char c) {
    switch (c) {
        case 'm':
            return 1e-6;
        case 'u':
            return 1e-9;
        case 'n':
            return 1e-12;
        case 'p':
            return 1e-15;
        default:
            return 0.0;
    }
}
double time_factor(char c) {
    switch (c) {
        case 'h':
            return 3600.0;
        case 'm':
            return 60.0;
        case 's':
            return 1.0;
        default:
            return 0.0;
    }
}

// Commands the pump knows; a word matches its full name or any prefix of 4+ letters.
constexpr const char* commands[] = {"ver",     "diameter", "irate",   "crate",   "irun",     "wrun",
                                    "stop",    "stp",      "ivolume", "wvolume", "civolume", "cwvolume",
                                    "tvolume", "ctvolume", "status",  "nvram",   "poll"};

std::string resolve(std::string_view word) {
    for (const char* c : commands) {
        const std::string_view name(c);
        if (word == name || (word.size() >= 4 && name.substr(0, word.size()) == word))
            return std::string(name);
    }
    return {};
}

std::string volume_text(double m3) {
    return m3 >= 1e-6 || m3 == 0.0 ? g4(m3 / 1e-6) + " ml" : g4(m3 / 1e-9) + " ul";
}

}  // namespace

bool parse_harvard_rate(std::string_view value, std::string_view unit, double& m3_per_s,
                        std::string& display_unit) {
    const auto parsed = decimal::parse(value);
    if (!parsed || *parsed < 0.0) return false;
    const double n = *parsed;
    const std::string u = lower(unit);
    const auto slash = u.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 >= u.size()) return false;
    const double vf = volume_factor(u[0]);
    const double tf = time_factor(u[slash + 1]);
    if (vf == 0.0 || tf == 0.0) return false;
    m3_per_s = n * vf / tf;
    display_unit = std::string(1, u[0]) + "l/" +
                   (u[slash + 1] == 'h'   ? "hr"
                    : u[slash + 1] == 'm' ? "min"
                                          : "sec");
    return true;
}

std::string harvard_rate_text(double m3_per_s, std::string_view display_unit) {
    const double vf = volume_factor(display_unit.empty() ? 'm' : display_unit[0]);
    const auto slash = display_unit.find('/');
    const double tf = time_factor(slash == std::string_view::npos ? 'm' : display_unit[slash + 1]);
    return g4(m3_per_s * tf / vf) + " " + std::string(display_unit);
}

HarvardModel::HarvardModel(SimCell& cell, HarvardOptions options)
    : cell_(cell), options_(std::move(options)) {
    state_.diameter_m = options_.diameter_m;
    state_.syringe_content_m3 = options_.syringe_volume_m3;
    state_.poll = options_.poll;
}

double HarvardModel::min_rate_m3_per_s() const noexcept {
    return syringe_rate_limits(options_.min_speed_m_per_s, options_.max_speed_m_per_s, state_.diameter_m)
        .min_m3_per_s;
}
double HarvardModel::max_rate_m3_per_s() const noexcept {
    return syringe_rate_limits(options_.min_speed_m_per_s, options_.max_speed_m_per_s, state_.diameter_m)
        .max_m3_per_s;
}

PlungerMotion HarvardModel::motion() const noexcept {
    PlungerMotion m;
    m.rate_m3_per_s = state_.rate_m3_per_s;
    m.infusing = state_.infusing;
    m.target_m3 = state_.target_m3;
    m.capacity_m3 = options_.syringe_volume_m3;
    return m;
}

void HarvardModel::apply_motor() {
    drive_feed(cell_, state_.running, motion(), state_.diameter_m);
}

void HarvardModel::restore(const HarvardState& saved, double sim_s) {
    const long seen = state_.commands;
    const long fast = state_.fast_commands;
    state_ = saved;
    state_.commands = seen;
    state_.fast_commands = fast;
    last_sim_s_ = sim_s;
    apply_motor();
}

void HarvardModel::stop_motor() {
    state_.running = false;
    apply_motor();
}

void HarvardModel::stall() {
    state_.stalled = true;
    stop_motor();
}

void HarvardModel::advance(double sim_s) {
    const double dt = sim_s - last_sim_s_;
    last_sim_s_ = std::max(last_sim_s_, sim_s);
    if (!state_.running) return;
    SyringeVolumes v{state_.infused_m3, state_.withdrawn_m3, state_.run_volume_m3, state_.syringe_content_m3};
    const auto step = move_plunger(v, motion(), dt);
    state_.infused_m3 = v.infused_m3;
    state_.withdrawn_m3 = v.withdrawn_m3;
    state_.run_volume_m3 = v.run_m3;
    state_.syringe_content_m3 = v.content_m3;
    if (step.target_reached) {  // the Elite stops at its target even as the syringe runs out
        state_.target_reached = true;
        stop_motor();
    } else if (step.emptied) {
        stall();
    }
}

std::string HarvardModel::prompt() const {
    if (state_.stalled) return "*";
    if (state_.target_reached) return "T*";
    if (state_.running) return state_.infusing ? ">" : "<";
    return ":";
}

std::vector<WireReply> HarvardModel::receive(std::string_view bytes, Instant now) {
    advance(now.sim_s);
    std::vector<WireReply> out;
    for (char c : bytes) {
        if (c == '\r' || c == '\n') {
            const std::string line = std::move(line_);
            line_.clear();
            handle_line(line, now, out);
            continue;
        }
        if (line_.size() < max_line) line_.push_back(c);
    }
    return out;
}

void HarvardModel::handle_line(std::string_view raw, Instant now, std::vector<WireReply>& out) {
    (void)now;
    std::string_view line = raw;
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    std::size_t i = 0;
    while (i < line.size() && i < 2 && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
    if (i > 0 && std::atoi(std::string(line.substr(0, i)).c_str()) != options_.address) return;
    line.remove_prefix(i);
    if (!line.empty() && line.front() == ':') line.remove_prefix(1);  // PHD ULTRA style address separator
    const bool fast = !line.empty() && line.front() == '@';
    if (fast) line.remove_prefix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) log_.add(fast ? "@" + std::string(line) : std::string(line));
    std::vector<std::string> words;
    std::string word;
    for (char c : line) {
        if (c == ' ' || c == '\t') {
            if (!word.empty()) words.push_back(std::move(word));
            word.clear();
        } else {
            word.push_back(c);
        }
    }
    if (!word.empty()) words.push_back(std::move(word));

    auto& s = state_;
    std::vector<std::string> lines;
    double processing = options_.query_processing_s;
    const double set_time =
        fast && !s.nvram ? options_.fast_set_processing_s : options_.nvram_set_processing_s;
    if (fast) ++s.fast_commands;
    auto argument_error = [&](std::string_view what) {
        std::string args;
        for (std::size_t k = 1; k < words.size(); ++k) args += (k > 1 ? " " : "") + words[k];
        lines.push_back("Argument error: " + args);
        lines.push_back("   " + std::string(what));
    };
    if (!words.empty()) {
        ++s.commands;
        const std::string cmd = resolve(lower(words[0]));
        const std::size_t nargs = words.size() - 1;
        if (cmd.empty() || (cmd == "wrun" && !options_.withdraws)) {
            lines.push_back("Command error: " + words[0]);
            lines.emplace_back("   Unknown command");
        } else if (cmd == "ver") {
            lines.push_back(options_.version);
        } else if (cmd == "diameter") {
            if (nargs == 0) {
                lines.push_back(decimal::fixed(s.diameter_m * 1e3, 4) + " mm");
            } else {
                const double mm = decimal::parse(words[1]).value_or(-1.0);
                if (s.running)
                    argument_error("Pump is running");
                else if (mm < 0.1 || mm > 50.0)
                    argument_error("Out of range");
                else {
                    s.diameter_m = mm * 1e-3;
                    processing = set_time;
                }
            }
        } else if (cmd == "irate") {
            if (nargs == 0) {
                lines.push_back(harvard_rate_text(s.rate_m3_per_s, s.rate_unit));
            } else if (nargs == 1 && lower(words[1]) == "lim") {
                const auto auto_unit = [](double q) { return q >= 1e-6 / 60.0 ? "ml/min" : "ul/min"; };
                lines.push_back(harvard_rate_text(min_rate_m3_per_s(), auto_unit(min_rate_m3_per_s())) +
                                " to " +
                                harvard_rate_text(max_rate_m3_per_s(), auto_unit(max_rate_m3_per_s())));
            } else if (nargs != 2) {
                argument_error("Missing units");
            } else {
                double q = 0.0;
                std::string unit;
                if (!parse_harvard_rate(words[1], words[2], q, unit))
                    argument_error("Unknown units");
                else if (!rate_within({min_rate_m3_per_s(), max_rate_m3_per_s()}, q))
                    argument_error("Out of range");
                else {
                    s.rate_m3_per_s = q;
                    s.rate_unit = unit;
                    apply_motor();
                    processing = set_time;
                }
            }
        } else if (cmd == "crate") {
            if (s.running) {
                lines.push_back(std::string(s.infusing ? "Infusing at " : "Withdrawing at ") +
                                harvard_rate_text(s.rate_m3_per_s, s.rate_unit));
            } else {
                lines.emplace_back("Pump is idle");
            }
        } else if (cmd == "irun" || cmd == "wrun") {
            s.infusing = cmd == "irun";
            s.stalled = false;
            s.target_reached = false;
            s.run_volume_m3 = 0.0;
            if (s.rate_m3_per_s <= 0.0) {
                argument_error("Rate not set");
            } else {
                s.running = true;
                apply_motor();
            }
        } else if (cmd == "stop" || cmd == "stp") {
            s.stalled = false;
            s.target_reached = false;
            stop_motor();
        } else if (cmd == "ivolume") {
            lines.push_back(volume_text(s.infused_m3));
        } else if (cmd == "wvolume") {
            lines.push_back(volume_text(s.withdrawn_m3));
        } else if (cmd == "civolume") {
            s.infused_m3 = 0.0;
        } else if (cmd == "cwvolume") {
            s.withdrawn_m3 = 0.0;
        } else if (cmd == "ctvolume") {
            s.target_m3 = 0.0;
        } else if (cmd == "tvolume") {
            if (nargs == 0) {
                lines.push_back(s.target_m3 > 0.0 ? volume_text(s.target_m3) : "Target volume not set");
            } else if (nargs != 2) {
                argument_error("Missing units");
            } else {
                const double v = decimal::parse(words[1]).value_or(-1.0);
                const std::string u = lower(words[2]);
                const double f = u.empty() ? 0.0 : volume_factor(u[0]);
                if (f == 0.0 || v < 0.0)
                    argument_error("Out of range");
                else
                    s.target_m3 = v * f;
            }
        } else if (cmd == "status") {
            std::string status = decimal::fixed(s.rate_m3_per_s * 1e18, 0) + " " +
                                 decimal::fixed(last_sim_s_ * 1e3, 0) + " " +
                                 decimal::fixed(s.infused_m3 * 1e18, 0);
            status += ' ';
            status += s.running ? (s.infusing ? 'I' : 'W') : (s.infusing ? 'i' : 'w');
            status += '.';
            status += s.stalled ? 'S' : '.';
            status += '.';
            status += s.target_reached ? 'T' : '.';
            lines.push_back(status);
        } else if (cmd == "nvram") {
            if (nargs == 0)
                lines.emplace_back(s.nvram ? "NVRAM on" : "NVRAM off");
            else if (lower(words[1]) == "off" || lower(words[1]) == "none")  // Legato: `nvram none`
                s.nvram = false;
            else if (lower(words[1]) == "on")
                s.nvram = true;
            else
                argument_error("Out of range");
        } else if (cmd == "poll") {
            if (nargs == 0)
                lines.emplace_back(s.poll ? "ON" : "OFF");
            else if (lower(words[1]) == "on")
                s.poll = true;
            else if (lower(words[1]) == "off")
                s.poll = false;
            else
                argument_error("Out of range");
        }
    }
    std::string prefix;
    if (options_.address != 0) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%02d", options_.address);
        prefix = buf;
    }
    std::string reply;
    for (const auto& l : lines) {
        reply.push_back('\n');
        if (!prefix.empty()) reply += prefix + ":";
        reply += l;
        reply.push_back('\r');
    }
    reply.push_back('\n');
    reply += prefix + prompt();
    if (s.poll) reply.push_back('\x11');
    out.push_back({std::move(reply), processing});
}

}  // namespace edc::sim
