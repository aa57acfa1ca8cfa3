#include "drivers/sim/emstat_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <map>

#include "drivers/sim/emstat_script.hpp"

namespace edc::sim {
namespace {

// The instrument's own numbers (MethodSCRIPT examples' range tables, product pages): the
// largest applied current and the cell voltage it can drive.
struct Hardware {
    const char* model;
    const char* firmware;  // what 't' answers on its first line
    const char* serial;
    double max_current_a;
    double compliance_v;
    int range_code;  // metadata range of the largest current range
};
constexpr std::array<Hardware, 2> hardware{{
    {"palmsens-emstat4", "es4_lr1.4", "ES4LR21B0042", 0.010 * 1.05, 8.0, 24},
    {"palmsens-emstat-pico", "espico1.3", "ES22A0815", 0.003, 5.0, 11},
}};

const Hardware& hardware_of(std::string_view model) {
    for (const auto& h : hardware) {
        if (model == h.model) return h;
    }
    return hardware.front();
}

std::vector<std::string> words_of(std::string_view line) {
    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
        const auto start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
        if (i > start) out.emplace_back(line.substr(start, i - start));
    }
    return out;
}

// A number in script text: [-]digits[SI prefix][i].
std::optional<double> literal(std::string_view s) {
    if (!s.empty() && s.back() == 'i') s.remove_suffix(1);
    double factor = 1.0;
    static const std::map<char, double> si{{'a', 1e-18}, {'f', 1e-15}, {'p', 1e-12}, {'n', 1e-9},
                                           {'u', 1e-6},  {'m', 1e-3},  {'k', 1e3},   {'M', 1e6},
                                           {'G', 1e9},   {'T', 1e12},  {'P', 1e15},  {'E', 1e18}};
    if (!s.empty()) {
        if (auto it = si.find(s.back()); it != si.end()) {
            factor = it->second;
            s.remove_suffix(1);
        }
    }
    bool negative = false;
    if (!s.empty() && s.front() == '-') {
        negative = true;
        s.remove_prefix(1);
    }
    if (s.empty() || s.size() > 15) return std::nullopt;
    double v = 0.0;
    for (const char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10.0 + (c - '0');
    }
    return (negative ? -v : v) * factor;
}

// A package value: 7 upper-case hex digits of (mantissa + 2^27), then the SI prefix.
std::string encode(double v) {
    if (!std::isfinite(v)) return "     nan";
    static constexpr std::array<std::pair<char, double>, 7> steps{
        {{'f', 1e-15}, {'p', 1e-12}, {'n', 1e-9}, {'u', 1e-6}, {'m', 1e-3}, {' ', 1.0}, {'k', 1e3}}};
    for (const auto& [prefix, factor] : steps) {
        const double m = std::round(v / factor);
        if (std::fabs(m) < 134217727.0) {
            auto raw = static_cast<unsigned long>(static_cast<long>(m) + 134217728L);
            std::string hex(7, '0');
            for (int i = 6; i >= 0; --i) {
                hex[static_cast<std::size_t>(i)] = "0123456789ABCDEF"[raw & 0xFU];
                raw >>= 4U;
            }
            return hex + prefix;
        }
    }
    return "     nan";
}

}  // namespace

EmStatModel::EmStatModel(SimCell& cell, EmStatOptions options) : cell_(cell), options_(std::move(options)) {
    const auto& h = hardware_of(options_.model);
    compliance_v_ = h.compliance_v;
    firmware_ = h.firmware;
    serial_ = h.serial;
    range_code_ = h.range_code;
}

EmStatModel::~EmStatModel() = default;

void EmStatModel::drive(bool on, double amps) {
    state_.cell_on = on;
    state_.cell_ever_on = state_.cell_ever_on || on;
    state_.level_a = on ? amps : 0.0;
    cell_.set_drive(GalvanostatDrive{on, on ? amps : 0.0, compliance_v_});
}

std::vector<WireReply> EmStatModel::receive(std::string_view bytes, Instant now) {
    std::vector<WireReply> out;
    for (const char c : bytes) {
        if (c != '\n') {
            if (line_.size() < 4096) line_ += c;
            continue;
        }
        std::string l;
        l.swap(line_);
        if (!l.empty() && l.back() == '\r') l.pop_back();
        if (uploading_) {
            if (l.empty()) {
                uploading_ = false;
                start(now, out);
            } else {
                upload_.push_back(l);
            }
            continue;
        }
        command(l, now, out);
    }
    return out;
}

void EmStatModel::command(std::string_view l, Instant now, std::vector<WireReply>& out) {
    if (l.empty()) return;
    ++state_.commands;
    log_.add(l);
    const double p = options_.command_processing_s;
    if (l == "t") {
        out.push_back({"t" + firmware_ + " \n#2024-05-10 12:00*\n", p});
    } else if (l == "i") {
        out.push_back({"i" + serial_ + "\n", p});
    } else if (l == "Z") {
        if (!script_) {
            out.push_back({"Z!0006\n", p});
            return;
        }
        ++state_.aborts;
        std::string text = "Z\n";
        auto due = poll(now);  // what the loop measured up to now goes out first
        for (auto& d : due) out.push_back(std::move(d));
        if (script_) finish(text, true);
        out.push_back({text, p});
    } else if (l == "e") {
        if (script_) {
            out.push_back({"!0005: a script is running\n", p});
            return;
        }
        uploading_ = true;
        upload_.clear();
        out.push_back({"e\n", p});
    } else {
        out.push_back({"!0001: unknown command\n", p});
    }
}

std::unique_ptr<EmStatModel::Script> EmStatModel::parse(const std::vector<std::string>& lines,
                                                        std::string& error) const {
    auto s = std::make_unique<Script>();
    auto bad = [&](int line, const std::string& what) -> std::unique_ptr<Script> {
        error = "!4001: line " + std::to_string(line) + ": " + what + "\n";
        return nullptr;
    };
    static const std::array<std::string_view, 21> known{
        "var",         "store_var", "set_pgstat_chan", "set_pgstat_mode", "set_max_bandwidth",
        "set_range",   "set_i",     "cell_on",         "cell_off",        "timer_start",
        "timer_get",   "pck_start", "pck_add",         "pck_end",         "if",
        "endif",       "breakloop", "meas_loop_cp",    "endloop",         "set_autoranging",
        "on_finished:"};
    int section = 0;  // before, body, after, on_finished
    int depth = 0;
    for (std::size_t n = 0; n < lines.size(); ++n) {
        Stmt st{words_of(lines[n]), static_cast<int>(n) + 2};  // line 1 is the "e"
        if (st.w.empty()) continue;
        const auto& op = st.w.front();
        if (std::find(known.begin(), known.end(), op) == known.end())
            return bad(st.line, "unknown command " + op);
        if (op == "on_finished:") {
            section = 3;
            continue;
        }
        if (op == "meas_loop_cp") {
            if (section != 0 || st.w.size() != 6)
                return bad(st.line, "meas_loop_cp E I CURRENT INTERVAL TIME");
            s->has_loop = true;
            s->e_var = st.w[1];
            s->i_var = st.w[2];
            s->current_arg = st.w[3];
            auto interval = literal(st.w[4]);
            auto duration = literal(st.w[5]);
            if (!interval || !duration || *interval <= 0.0 || *duration < *interval) {
                return bad(st.line, "bad interval or run time");
            }
            s->interval_s = *interval;
            s->duration_s = *duration;
            section = 1;
            continue;
        }
        if (op == "endloop" && section == 1 && depth == 0) {
            section = 2;
            continue;
        }
        if (op == "if") ++depth;
        if (op == "endif") --depth;
        (section == 0   ? s->before
         : section == 1 ? s->body
         : section == 2 ? s->after
                        : s->finished)
            .push_back(st);
    }
    if (section == 1) return bad(static_cast<int>(lines.size()) + 1, "meas_loop_cp without endloop");
    return s;
}

void EmStatModel::start(Instant now, std::vector<WireReply>& out) {
    auto error = [&](int line, const std::string& what) {
        out.push_back(
            {"!4001: line " + std::to_string(line) + ": " + what + "\n", options_.command_processing_s});
    };
    std::string parse_error;
    auto s = parse(upload_, parse_error);
    // The script's first command goes to the log once it parsed (a later line may still fail).
    if (!upload_.empty() && (s || !parse_error.starts_with("!4001: line 2:"))) {
        const auto first = words_of(upload_.front());
        if (!first.empty() && first.front() != "on_finished:" && first.front() != "meas_loop_cp")
            log_.add("script: " + first.front());
    }
    if (!s) {
        out.push_back({parse_error, options_.command_processing_s});
        return;
    }
    ++state_.scripts;
    std::string text;
    for (const auto& st : s->before) {
        const auto& w = st.w;
        if (w[0] == "store_var" && w.size() >= 3) {
            auto v = literal(w[2]);
            if (!v) return error(st.line, "bad number " + w[2]);
            s->vars[w[1]] = Var{*v, w.size() > 3 ? w[3] : "ja", -1};
        } else if (w[0] == "set_pgstat_mode" && w.size() == 2) {
            s->pgstat_mode = std::atoi(w[1].c_str());
        } else if (w[0] == "set_range" && w.size() == 3 && w[1] == "db") {
            auto r = literal(w[2]);
            if (!r || std::fabs(*r) > hardware_of(options_.model).max_current_a) {
                return error(st.line, "current range beyond the instrument's");
            }
        } else if (w[0] == "cell_on") {
            if (s->pgstat_mode != 6)
                return error(st.line, "cell_on: set_pgstat_mode 6 (galvanostatic) expected");
            drive(true, 0.0);
        } else if (w[0] == "cell_off") {
            drive(false, 0.0);
        } else if (w[0] == "timer_start") {
            s->timer_zero_s = now.sim_s;
        }
    }
    if (!s->has_loop) {
        script_ = std::move(s);
        finish(text, false);
        out.push_back({text, options_.command_processing_s});
        return;
    }
    const auto it = s->vars.find(s->current_arg);
    const auto amps = it != s->vars.end() ? std::optional(it->second.value) : literal(s->current_arg);
    if (!amps || std::fabs(*amps) > hardware_of(options_.model).max_current_a) {
        drive(false, 0.0);
        return error(static_cast<int>(upload_.size()), "meas_loop_cp current beyond the instrument's");
    }
    if (state_.cell_on) drive(true, *amps);
    s->loop_start_s = now.sim_s;
    s->next_s = now.sim_s + s->interval_s;
    s->vars[s->e_var].type = "ab";
    s->vars[s->i_var].type = "ba";
    script_ = std::move(s);
    state_.script_running = true;
    out.push_back({"M0000\n", options_.command_processing_s});  // a measurement loop opens
}

void EmStatModel::iterate(double t, std::string& out) {
    auto& s = *script_;
    const auto r = cell_.reading();
    const int status = r.limited ? 0x2 : 0x0;  // OVERLOAD: the set current is not delivered
    s.vars[s.e_var] = Var{r.potential_v, "ab", status};
    s.vars[s.i_var] = Var{r.current_a, "ba", status};
    bool skipping = false;
    int skip_depth = 0;
    for (const auto& st : s.body) {
        const auto& w = st.w;
        if (skipping) {
            if (w[0] == "if") ++skip_depth;
            if (w[0] == "endif" && skip_depth-- == 0) skipping = false;
            continue;
        }
        if (w[0] == "timer_get" && w.size() == 2) {
            s.vars[w[1]] = Var{t - s.timer_zero_s, "eb", -1};
        } else if (w[0] == "pck_start") {
            s.package.assign(1, 'P');
        } else if (w[0] == "pck_add" && w.size() == 2) {
            const auto& v = s.vars[w[1]];
            if (s.package.size() > 1) s.package += ';';
            s.package += v.type + encode(v.value);
            static constexpr std::string_view hex = "0123456789ABCDEF";
            if (v.status >= 0) {
                s.package.append(",1");
                s.package.push_back(hex[static_cast<std::size_t>(v.status & 0xF)]);
            }
            if (v.type == "ba") {  // metadata range: the applied-current range in use
                s.package.append(",2");
                s.package.push_back(hex[static_cast<std::size_t>((range_code_ >> 4) & 0xF)]);
                s.package.push_back(hex[static_cast<std::size_t>(range_code_ & 0xF)]);
            }
        } else if (w[0] == "pck_end") {
            out += s.package + "\n";
        } else if (w[0] == "if" && w.size() == 4) {
            const auto found = s.vars.find(w[1]);
            const auto rhs = literal(w[3]);
            const double lhs = found != s.vars.end() ? found->second.value : 0.0;
            const bool holds = rhs && ((w[2] == ">" && lhs > *rhs) || (w[2] == "<" && lhs < *rhs) ||
                                       (w[2] == ">=" && lhs >= *rhs) || (w[2] == "<=" && lhs <= *rhs));
            if (!holds) {
                skipping = true;
                skip_depth = 0;
            }
        } else if (w[0] == "breakloop") {
            s.broke = true;
            return;
        }
    }
}

void EmStatModel::finish(std::string& out, bool ended_by_abort) {
    if (script_->has_loop && !ended_by_abort) out += "*\n";  // the measurement loop closes
    for (const auto& st : script_->finished) {
        if (st.w[0] == "cell_off") drive(false, 0.0);
    }
    for (const auto& st : script_->after) {
        if (st.w[0] == "cell_off") drive(false, 0.0);
    }
    out += "\n";
    script_.reset();
    state_.script_running = false;
}

std::vector<WireReply> EmStatModel::poll(Instant now) {
    std::vector<WireReply> out;
    if (!script_) return out;
    std::string text;
    if (pending_error_) {
        text = *pending_error_;
        pending_error_.reset();
        drive(false, 0.0);
        script_.reset();
        state_.script_running = false;
        out.push_back({text, 0.0});
        return out;
    }
    while (script_ && script_->next_s <= now.sim_s + 1e-9) {
        const double end_s = script_->loop_start_s + script_->duration_s;
        if (script_->broke || script_->next_s > end_s + 1e-9) {
            finish(text, false);
            break;
        }
        const double t = script_->next_s;
        script_->next_s += script_->interval_s;
        iterate(t, text);
        // The loop ends with its last measurement inside its run time (or at breakloop).
        if (script_->broke || script_->next_s > end_s + 1e-9) finish(text, false);
    }
    if (!text.empty()) out.push_back({text, 0.0});
    return out;
}

void EmStatModel::inject_error(unsigned code, const std::string& text) {
    if (!script_) return;
    std::string hex(4, '0');
    for (int i = 3; i >= 0; --i) {
        hex[static_cast<std::size_t>(i)] = "0123456789ABCDEF"[code & 0xFU];
        code >>= 4U;
    }
    pending_error_ = "!" + hex + ": " + text + "\n";
}

}  // namespace edc::sim
