#include "drivers/pump/newera_protocol.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "control/decimal.hpp"
#include "control/model/units.hpp"
#include "control/text.hpp"
#include "drivers/io/framing.hpp"
#include "drivers/io/printable.hpp"

namespace edc::newera {
namespace {

constexpr std::array all_units{RateUnit::ml_per_h, RateUnit::ul_per_h, RateUnit::ml_per_min,
                               RateUnit::ul_per_min};

std::optional<double> to_double(std::string_view s) {
    if (s.empty() || !((s[0] >= '0' && s[0] <= '9') || s[0] == '.')) return std::nullopt;
    double v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

}  // namespace

const char* unit_code(RateUnit u) {
    switch (u) {
        case RateUnit::ul_per_min:
            return "UM";
        case RateUnit::ml_per_min:
            return "MM";
        case RateUnit::ul_per_h:
            return "UH";
        case RateUnit::ml_per_h:
            return "MH";
    }
    return "UM";
}

double m3_per_s_per_unit(RateUnit u) {
    switch (u) {
        case RateUnit::ul_per_min:
            return units::ul_per_min_to_m3_per_s(1.0);
        case RateUnit::ml_per_min:
            return units::ml_per_min_to_m3_per_s(1.0);
        case RateUnit::ul_per_h:
            return units::ul_per_h_to_m3_per_s(1.0);
        case RateUnit::ml_per_h:
            return units::ml_per_h_to_m3_per_s(1.0);
    }
    return 0.0;
}

std::optional<RateUnit> unit_from_code(std::string_view code) {
    for (const auto u : all_units) {
        if (code == unit_code(u)) return u;
    }
    return std::nullopt;
}

std::optional<std::string> format_number(double v) {
    if (!std::isfinite(v) || v < 0.0 || v > 9999.5) return std::nullopt;
    for (int decimals = 3; decimals >= 0; --decimals) {
        const std::string s = decimal::fixed(v, decimals);
        int digits = 0;
        for (const char c : s) digits += (c >= '0' && c <= '9') ? 1 : 0;
        if (digits <= 4) return s;
    }
    return std::nullopt;  // 9999.5 .. rounds to 10000
}

Result<UnitChoice> choose_rate_unit(double max_rate_m3_per_s) {
    if (!std::isfinite(max_rate_m3_per_s) || max_rate_m3_per_s <= 0.0) {
        return fail("out_of_range", strf("planned maximum rate %g m3/s must be positive", max_rate_m3_per_s));
    }
    std::optional<UnitChoice> best;
    for (const auto u : all_units) {
        const auto s = format_number(max_rate_m3_per_s / m3_per_s_per_unit(u));
        if (!s) continue;
        const auto dot = s->find('.');
        const int decimals = dot == std::string::npos ? 0 : static_cast<int>(s->size() - dot - 1);
        const double res = std::pow(10.0, -decimals) * m3_per_s_per_unit(u);
        if (!best || res < best->resolution_m3_per_s * (1.0 - 1e-9)) best = UnitChoice{u, res};
    }
    if (!best) {
        return fail("out_of_range", strf("planned maximum rate %g mL/min exceeds 9999 mL/min",
                                         units::m3_per_s_to_ml_per_min(max_rate_m3_per_s)));
    }
    return *best;
}

Result<Reply> parse_reply(std::string_view p) {
    if (p.size() < 3 || p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9') {
        return fail("bad_reply", strf("New Era reply '%s' lacks address and status", io::printable(p, 40).c_str()));
    }
    Reply r;
    r.address = (p[0] - '0') * 10 + (p[1] - '0');
    r.status = p[2];
    auto rest = p.substr(3);
    if (r.status == 'A') {
        if (rest.size() < 2 || rest[0] != '?' || rest[1] < 'A' || rest[1] > 'Z') {
            return fail("bad_reply",
                        strf("New Era alarm reply '%s' lacks its alarm letter", io::printable(p, 40).c_str()));
        }
        r.alarm = rest[1];
        return r;
    }
    if (std::string_view("IWSPTUX").find(r.status) == std::string_view::npos) {
        return fail("bad_reply", strf("New Era reply '%s' has unknown status", io::printable(p, 40).c_str()));
    }
    if (!rest.empty() && rest[0] == '?') {
        r.has_error = true;
        r.error = std::string(rest.substr(1));
    } else {
        r.data = std::string(rest);
    }
    return r;
}

Result<double> parse_rate(std::string_view data) {
    if (data.size() < 3) return fail("bad_reply", strf("rate '%s' too short", io::printable(data, 40).c_str()));
    const auto unit = unit_from_code(data.substr(data.size() - 2));
    const auto value = to_double(data.substr(0, data.size() - 2));
    if (!unit || !value)
        return fail("bad_reply", strf("rate '%s' is not <number><UM|MM|UH|MH>", io::printable(data, 40).c_str()));
    return *value * m3_per_s_per_unit(*unit);
}

Result<Dispensed> parse_dispensed(std::string_view data) {
    auto bad = [&] {
        return fail("bad_reply", strf("dispensed volume '%s' is not I<n>W<n><UL|ML>", io::printable(data, 40).c_str()));
    };
    if (data.size() < 6 || data[0] != 'I') return bad();
    const auto w = data.find('W');
    if (w == std::string_view::npos) return bad();
    const auto unit = data.substr(data.size() - 2);
    double scale = 0;
    if (unit == "ML")
        scale = units::m3_per_ml;
    else if (unit == "UL")
        scale = units::m3_per_ul;
    else
        return bad();
    if (w + 1 > data.size() - 2) return bad();
    const auto inf = to_double(data.substr(1, w - 1));
    const auto wdr = to_double(data.substr(w + 1, data.size() - 2 - (w + 1)));
    if (!inf || !wdr) return bad();
    return Dispensed{*inf * scale, *wdr * scale};
}

std::string command_bytes(int address, std::string_view command, bool safe_mode) {
    std::string text = std::to_string(address);
    text.append(command);
    if (safe_mode) return io::encode_newera_safe_packet(text);
    text.push_back('\r');
    return text;
}

const char* alarm_meaning(char alarm) {
    switch (alarm) {
        case 'R':
            return "pump was reset (power interrupted)";
        case 'S':
            return "motor stalled";
        case 'T':
            return "safe-mode communication timeout";
        case 'E':
            return "pumping program error";
        case 'O':
            return "pumping program phase out of range";
        default:
            return "unknown alarm";
    }
}

}  // namespace edc::newera
