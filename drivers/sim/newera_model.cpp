#include "drivers/sim/newera_model.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "control/decimal.hpp"
#include "drivers/sim/syringe_mechanics.hpp"

namespace edc::sim {
namespace {

constexpr char stx = '\x02';
constexpr char etx = '\x03';
constexpr std::size_t max_basic_line = 256;

double rate_unit_m3_per_s(NeRateUnit u) {
    switch (u) {
        case NeRateUnit::ul_per_min:
            return 1e-9 / 60.0;
        case NeRateUnit::ml_per_min:
            return 1e-6 / 60.0;
        case NeRateUnit::ul_per_h:
            return 1e-9 / 3600.0;
        case NeRateUnit::ml_per_h:
            return 1e-6 / 3600.0;
    }
    return 1e-6 / 60.0;
}
const char* rate_unit_text(NeRateUnit u) {
    switch (u) {
        case NeRateUnit::ul_per_min:
            return "UM";
        case NeRateUnit::ml_per_min:
            return "MM";
        case NeRateUnit::ul_per_h:
            return "UH";
        case NeRateUnit::ml_per_h:
            return "MH";
    }
    return "MM";
}
double volume_unit_m3(NeVolumeUnit u) {
    return u == NeVolumeUnit::ul ? 1e-9 : 1e-6;
}
const char* volume_unit_text(NeVolumeUnit u) {
    return u == NeVolumeUnit::ul ? "UL" : "ML";
}

enum class NumberCheck { ok, not_a_number, too_long };

// At most 4 digits, one decimal point, at most 3 decimals.
NumberCheck parse_number(std::string_view s, double& v) {
    if (s.empty()) return NumberCheck::not_a_number;
    int digits = 0;
    int decimals = 0;
    bool point = false;
    v = 0.0;
    double scale = 1.0;
    for (char c : s) {
        if (c == '.') {
            if (point) return NumberCheck::not_a_number;
            point = true;
        } else if (std::isdigit(static_cast<unsigned char>(c))) {
            ++digits;
            if (point) {
                ++decimals;
                scale /= 10.0;
                v += (c - '0') * scale;
            } else {
                v = v * 10.0 + (c - '0');
            }
        } else {
            return NumberCheck::not_a_number;
        }
    }
    if (digits == 0) return NumberCheck::not_a_number;
    if (digits > 4 || decimals > 3) return NumberCheck::too_long;
    return NumberCheck::ok;
}

// Splits "12.5MM" into "12.5" and "MM".
std::pair<std::string_view, std::string_view> split_number(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    return {s.substr(0, i), s.substr(i)};
}

}  // namespace

std::uint16_t crc16_xmodem(std::string_view bytes) noexcept {
    std::uint16_t crc = 0;
    for (char ch : bytes) {
        crc = static_cast<std::uint16_t>(crc ^ (static_cast<std::uint8_t>(ch) << 8));
        for (int i = 0; i < 8; ++i) {
            crc = (crc & 0x8000U) != 0 ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021U)
                                       : static_cast<std::uint16_t>(crc << 1);
        }
    }
    return crc;
}

std::string newera_safe_packet(std::string_view payload) {
    const std::uint16_t crc = crc16_xmodem(payload);
    std::string out;
    out.push_back(stx);
    out.push_back(static_cast<char>(payload.size() + 4));
    out.append(payload);
    out.push_back(static_cast<char>(crc >> 8));
    out.push_back(static_cast<char>(crc & 0xFF));
    out.push_back(etx);
    return out;
}

std::string newera_number(double v) {
    v = std::max(0.0, v);
    int decimals = 3;
    if (v >= 1000.0)
        decimals = 0;
    else if (v >= 100.0)
        decimals = 1;
    else if (v >= 10.0)
        decimals = 2;
    // Rounding may carry into a fifth digit (9.9996 -> "10.000"): one decimal fewer.
    std::string s = decimal::fixed(v, decimals);
    if (s.size() > 5 && decimals > 0) s = decimal::fixed(v, decimals - 1);
    return s;
}

NewEraModel::NewEraModel(SimCell& cell, NewEraOptions options) : cell_(cell), options_(std::move(options)) {
    state_.diameter_m = options_.diameter_m;
    state_.syringe_content_m3 = options_.syringe_volume_m3;
    state_.volume_unit = state_.diameter_m >= 10e-3 ? NeVolumeUnit::ml : NeVolumeUnit::ul;
}

double NewEraModel::rate_m3_per_s() const noexcept {
    return state_.rate_value * rate_unit_m3_per_s(state_.rate_unit);
}
double NewEraModel::min_rate_m3_per_s() const noexcept {
    return syringe_rate_limits(options_.min_speed_m_per_s, options_.max_speed_m_per_s, state_.diameter_m)
        .min_m3_per_s;
}
double NewEraModel::max_rate_m3_per_s() const noexcept {
    return syringe_rate_limits(options_.min_speed_m_per_s, options_.max_speed_m_per_s, state_.diameter_m)
        .max_m3_per_s;
}

PlungerMotion NewEraModel::motion() const noexcept {
    PlungerMotion m;
    m.rate_m3_per_s = rate_m3_per_s();
    m.infusing = state_.infusing;
    m.target_m3 = state_.target_volume * volume_unit_m3(state_.volume_unit);
    m.capacity_m3 = options_.syringe_volume_m3;
    return m;
}

char NewEraModel::status_letter() const noexcept {
    if (state_.running) return state_.infusing ? 'I' : 'W';
    return state_.paused ? 'P' : 'S';
}

void NewEraModel::apply_motor() {
    drive_feed(cell_, state_.running, motion(), state_.diameter_m);
}

void NewEraModel::restore(const NewEraState& saved, double sim_s) {
    const long commands = state_.commands;
    state_ = saved;
    state_.commands = commands;
    last_sim_s_ = sim_s;
    last_safe_packet_real_s_ = 0.0;
    unsolicited_pending_ = false;
    apply_motor();
}

void NewEraModel::stop_motor(bool pause) {
    state_.running = false;
    state_.paused = pause;
    apply_motor();
}

void NewEraModel::raise_alarm(char letter) {
    state_.alarm = letter;
    stop_motor(false);
    if (state_.safe_timeout_s > 0) unsolicited_pending_ = true;
}

void NewEraModel::advance(double sim_s) {
    const double dt = sim_s - last_sim_s_;
    last_sim_s_ = std::max(last_sim_s_, sim_s);
    if (!state_.running) return;
    SyringeVolumes v{state_.dispensed_inf_m3, state_.dispensed_wdr_m3, state_.run_dispensed_m3,
                     state_.syringe_content_m3};
    const auto step = move_plunger(v, motion(), dt);
    state_.dispensed_inf_m3 = v.infused_m3;
    state_.dispensed_wdr_m3 = v.withdrawn_m3;
    state_.run_dispensed_m3 = v.run_m3;
    state_.syringe_content_m3 = v.content_m3;
    if (step.emptied)
        raise_alarm('S');  // the plunger hits the end of the syringe: the motor stalls
    else if (step.target_reached)
        stop_motor(false);
}

std::vector<WireReply> NewEraModel::poll(Instant now) {
    advance(now.sim_s);
    std::vector<WireReply> out;
    if (state_.safe_timeout_s > 0 && state_.alarm == 0 &&
        now.real_s - last_safe_packet_real_s_ > state_.safe_timeout_s) {
        raise_alarm('T');
    }
    if (unsolicited_pending_ && state_.alarm != 0 && state_.safe_timeout_s > 0) {
        char payload[8];
        std::snprintf(payload, sizeof payload, "%02dA?%c", options_.address, state_.alarm);
        out.push_back({newera_safe_packet(payload), 0.0});
    }
    unsolicited_pending_ = false;
    return out;
}

std::string NewEraModel::frame(std::string_view payload, bool safe) const {
    if (safe) return newera_safe_packet(payload);
    std::string out;
    out.push_back(stx);
    out.append(payload);
    out.push_back(etx);
    return out;
}

std::vector<WireReply> NewEraModel::receive(std::string_view bytes, Instant now) {
    advance(now.sim_s);
    std::vector<WireReply> out;
    for (char c : bytes) {
        if (!safe_.empty() || c == stx) {
            safe_.push_back(c);
            if (safe_.size() < 2) continue;
            const auto len = static_cast<std::uint8_t>(safe_[1]);
            if (len < 4 || len > 64) {  // not a packet: resynchronise on the next STX
                safe_.clear();
                continue;
            }
            if (safe_.size() < std::size_t{len} + 1U) continue;
            const std::string packet = std::move(safe_);
            safe_.clear();
            const std::string_view payload(packet.data() + 2, len - 4U);
            const auto crc = static_cast<std::uint16_t>((static_cast<std::uint8_t>(packet[len - 2U]) << 8) |
                                                        static_cast<std::uint8_t>(packet[len - 1U]));
            if (packet.back() != etx || crc != crc16_xmodem(payload)) {
                char reply[16];
                std::snprintf(reply, sizeof reply, "%02d%c?COM", options_.address, status_letter());
                out.push_back({newera_safe_packet(reply), options_.processing_s});
                continue;
            }
            last_safe_packet_real_s_ = now.real_s;
            handle_packet(payload, true, now, out);
            continue;
        }
        if (c == '\r') {
            const std::string line = std::move(basic_);
            basic_.clear();
            if (state_.safe_timeout_s == 0) handle_packet(line, false, now, out);  // safe mode: only packets
            continue;
        }
        if (c == '\n') continue;
        if (basic_.size() < max_basic_line) basic_.push_back(c);
    }
    return out;
}

void NewEraModel::handle_packet(std::string_view text, bool safe, Instant now, std::vector<WireReply>& out) {
    std::string t;
    for (char c : text) {
        if (c != ' ') t.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    std::size_t i = 0;
    while (i < t.size() && i < 2 && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
    if (i > 0 && std::stoi(t.substr(0, i)) != options_.address) return;  // another pump on the bus
    std::string_view rest(t);
    rest.remove_prefix(i);
    ++state_.commands;
    log_.add(safe ? "safe " + std::string(rest) : std::string(rest));  // "VER", "safe VER"
    char head[4];
    std::snprintf(head, sizeof head, "%02d", options_.address);
    std::string payload = head;
    if (state_.alarm != 0) {  // the alarm reply acknowledges it: the command was not executed
        payload += "A?";
        payload.push_back(state_.alarm);
        state_.alarm = 0;
        unsolicited_pending_ = false;
        out.push_back({frame(payload, safe), options_.processing_s});
        return;
    }
    std::string data;
    if (!rest.empty()) {
        std::size_t n = 0;
        while (n < rest.size() && n < 3 && std::isalpha(static_cast<unsigned char>(rest[n]))) ++n;
        bool known = false;
        data = execute(rest.substr(0, n), rest.substr(n), known);
        if (!known) data.assign(1, '?');
        if (known) last_safe_packet_real_s_ = now.real_s;  // the host is alive: restart the watchdog
    }
    payload.push_back(status_letter());
    payload += data;
    out.push_back({frame(payload, safe), options_.processing_s});
}

std::string NewEraModel::execute(std::string_view cmd, std::string_view args, bool& known) {
    known = true;
    auto& s = state_;
    if (cmd == "VER") return args.empty() ? options_.firmware : "?OOR";
    if (cmd == "DIA") {
        if (args.empty()) return newera_number(s.diameter_m * 1e3);
        if (s.running) return "?NA";
        double mm = 0.0;
        const auto check = parse_number(args, mm);
        if (check == NumberCheck::not_a_number) return "?";
        if (check == NumberCheck::too_long || mm < 0.1 || mm > 50.0) return "?OOR";
        s.diameter_m = mm * 1e-3;
        return {};
    }
    if (cmd == "RAT") {
        if (args.empty()) return newera_number(s.rate_value) + rate_unit_text(s.rate_unit);
        const auto [num, unit_text] = split_number(args);
        NeRateUnit unit = s.rate_unit;
        if (!unit_text.empty()) {
            if (unit_text == "UM")
                unit = NeRateUnit::ul_per_min;
            else if (unit_text == "MM")
                unit = NeRateUnit::ml_per_min;
            else if (unit_text == "UH")
                unit = NeRateUnit::ul_per_h;
            else if (unit_text == "MH")
                unit = NeRateUnit::ml_per_h;
            else
                return "?";
        }
        if (num.empty()) return "?";
        double v = 0.0;
        const auto check = parse_number(num, v);
        if (check == NumberCheck::not_a_number) return "?";
        if (check == NumberCheck::too_long) return "?OOR";
        if (s.running && unit != s.rate_unit) return "?NA";  // units are fixed while pumping
        if (!rate_within({min_rate_m3_per_s(), max_rate_m3_per_s()}, v * rate_unit_m3_per_s(unit)))
            return "?OOR";
        s.rate_value = v;
        s.rate_unit = unit;
        if (s.running) ++s.rate_changes_while_running;
        apply_motor();
        return {};
    }
    if (cmd == "VOL") {
        if (args.empty()) return newera_number(s.target_volume) + volume_unit_text(s.volume_unit);
        if (args == "UL" || args == "ML") {
            if (s.running) return "?NA";
            s.volume_unit = args == "UL" ? NeVolumeUnit::ul : NeVolumeUnit::ml;
            return {};
        }
        double v = 0.0;
        const auto check = parse_number(args, v);
        if (check == NumberCheck::not_a_number) return "?";
        if (check == NumberCheck::too_long) return "?OOR";
        s.target_volume = v;
        return {};
    }
    if (cmd == "DIR") {
        if (args.empty()) return s.infusing ? "INF" : "WDR";
        if (s.running) return "?NA";
        if (args == "INF")
            s.infusing = true;
        else if (args == "WDR")
            s.infusing = false;
        else if (args == "REV")
            s.infusing = !s.infusing;
        else
            return "?";
        return {};
    }
    if (cmd == "RUN") {
        if (!args.empty()) return "?NA";
        if (s.rate_value <= 0.0) return "?NA";
        if (!s.running && !s.paused) s.run_dispensed_m3 = 0.0;
        s.running = true;
        s.paused = false;
        apply_motor();
        return {};
    }
    if (cmd == "STP") {
        if (!args.empty()) return "?NA";
        stop_motor(s.running);  // running -> paused, paused -> stopped
        return {};
    }
    if (cmd == "DIS") {
        const double unit = volume_unit_m3(s.volume_unit);
        std::string out(1, 'I');
        out.append(newera_number(s.dispensed_inf_m3 / unit));
        out.push_back('W');
        out.append(newera_number(s.dispensed_wdr_m3 / unit));
        out.append(volume_unit_text(s.volume_unit));
        return out;
    }
    if (cmd == "CLD") {
        if (args == "INF")
            s.dispensed_inf_m3 = 0.0;
        else if (args == "WDR")
            s.dispensed_wdr_m3 = 0.0;
        else
            return "?";
        return {};
    }
    if (cmd == "SAF") {
        if (args.empty()) return std::to_string(s.safe_timeout_s);
        double v = 0.0;
        if (parse_number(args, v) != NumberCheck::ok || v != std::floor(v) || v > 255.0) return "?OOR";
        s.safe_timeout_s = static_cast<int>(v);
        return {};
    }
    if (cmd == "FUN") {
        if (args.empty()) return "RAT";
        if (s.running) return "?NA";
        return args == "RAT" ? std::string{} : std::string{"?NA"};
    }
    known = false;
    return {};
}

}  // namespace edc::sim
