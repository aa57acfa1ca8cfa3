#include "drivers/pump/harvard_protocol.hpp"

#include <charconv>
#include <cmath>

#include "control/decimal.hpp"
#include "control/model/units.hpp"
#include "control/text.hpp"
#include "drivers/io/printable.hpp"

namespace edc::harvard {
namespace {

std::string_view trim(std::string_view s) {
    const auto a = s.find_first_not_of(" \t\r\n");
    if (a == std::string_view::npos) return {};
    return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

std::optional<double> to_double(std::string_view s) {
    s = trim(s);
    if (s.empty() || !((s[0] >= '0' && s[0] <= '9') || s[0] == '.' || s[0] == '-')) return std::nullopt;
    double v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

// "ml" "ul" "nl" "pl" "l" -> m3
std::optional<double> volume_unit(std::string_view u) {
    if (u == "l") return 1e-3;
    if (u == "ml") return 1e-6;
    if (u == "ul") return 1e-9;
    if (u == "nl") return 1e-12;
    if (u == "pl") return 1e-15;
    return std::nullopt;
}
std::optional<double> time_unit_s(std::string_view u) {
    if (u == "s" || u == "sec") return 1.0;
    if (u == "m" || u == "min") return 60.0;
    if (u == "h" || u == "hr") return 3600.0;
    return std::nullopt;
}
// "<number> <unit>" split at the first space.
bool split_value(std::string_view text, std::string_view& number, std::string_view& unit) {
    const auto t = trim(text);
    const auto sp = t.find(' ');
    if (sp == std::string_view::npos) return false;
    number = t.substr(0, sp);
    unit = trim(t.substr(sp + 1));
    return true;
}

}  // namespace

const char* to_string(Prompt p) {
    switch (p) {
        case Prompt::idle:
            return ":";
        case Prompt::infusing:
            return ">";
        case Prompt::withdrawing:
            return "<";
        case Prompt::stalled:
            return "*";
        case Prompt::target_reached:
            return "T*";
    }
    return "?";
}

Result<Reply> parse_reply(std::string_view frame) {
    const auto last_nl = frame.rfind('\n');
    if (last_nl == std::string_view::npos) {
        return fail("bad_reply", strf("Elite reply '%s' has no prompt line", io::printable(frame).c_str()));
    }
    Reply r;
    auto prompt = frame.substr(last_nl + 1);
    std::size_t digits = 0;
    while (digits < prompt.size() && prompt[digits] >= '0' && prompt[digits] <= '9') ++digits;
    if (digits > 0) {
        int a = 0;
        std::from_chars(prompt.data(), prompt.data() + std::min<std::size_t>(digits, 3), a);
        r.address = a;
    }
    prompt.remove_prefix(digits);
    if (prompt == ":")
        r.prompt = Prompt::idle;
    else if (prompt == ">")
        r.prompt = Prompt::infusing;
    else if (prompt == "<")
        r.prompt = Prompt::withdrawing;
    else if (prompt == "*")
        r.prompt = Prompt::stalled;
    else if (prompt == "T*")
        r.prompt = Prompt::target_reached;
    else
        return fail("bad_reply", strf("Elite reply '%s' ends without a prompt", io::printable(frame).c_str()));

    std::string_view body = frame.substr(0, last_nl);
    while (!body.empty()) {
        const auto nl = body.find('\n');
        auto line = body.substr(0, nl);
        body = nl == std::string_view::npos ? std::string_view{} : body.substr(nl + 1);
        std::size_t i = 0;
        while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
        if (i > 0 && i < line.size() && line[i] == ':') line.remove_prefix(i + 1);
        line = trim(line);
        if (line.empty()) continue;
        r.lines.emplace_back(line);
    }
    for (std::size_t i = 0; i < r.lines.size(); ++i) {
        for (const char* kind : {"Command error", "Argument error"}) {
            if (r.lines[i].starts_with(kind)) {
                r.error_kind = kind;
                auto rest = trim(std::string_view(r.lines[i]).substr(std::string_view(kind).size()));
                if (!rest.empty() && rest[0] == ':') rest = trim(rest.substr(1));
                // The message is on the next line; the rest of this one may echo the arguments.
                r.error_text = i + 1 < r.lines.size() ? r.lines[i + 1] : std::string(rest);
                return r;
            }
        }
    }
    return r;
}

const std::vector<RateUnit>& rate_units() {
    static const std::vector<RateUnit> u{
        {"m/h", units::ml_per_h_to_m3_per_s(1.0)},
        {"u/h", units::ul_per_h_to_m3_per_s(1.0)},
        {"m/m", units::ml_per_min_to_m3_per_s(1.0)},
        {"u/m", units::ul_per_min_to_m3_per_s(1.0)},
    };
    return u;
}

std::optional<std::string> format_number(double v) {
    if (!std::isfinite(v) || v <= 0.0 || v >= 9999.5) return std::nullopt;
    int decimals = 3 - static_cast<int>(std::floor(std::log10(v)));
    if (decimals < 0) decimals = 0;
    std::string s = decimal::fixed(v, decimals);
    // Rounding may carry into a new digit (9.9996 -> "10.000"): one decimal fewer then.
    int digits = 0;
    bool leading = true;
    for (const char c : s) {
        if (c >= '1' && c <= '9') leading = false;
        if (c >= '0' && c <= '9' && !leading) ++digits;
    }
    if (digits > 4 && decimals > 0) s = decimal::fixed(v, decimals - 1);
    return s;
}

Result<double> parse_rate(std::string_view text) {
    std::string_view number, unit;
    if (!split_value(text, number, unit))
        return fail("bad_reply", strf("rate '%s' lacks a unit", io::printable(text).c_str()));
    const auto value = to_double(number);
    const auto slash = unit.find('/');
    if (!value || slash == std::string_view::npos) {
        return fail("bad_reply", strf("rate '%s' is not <number> <vol>/<time>", io::printable(text).c_str()));
    }
    const auto v = volume_unit(unit.substr(0, slash));
    const auto t = time_unit_s(unit.substr(slash + 1));
    if (!v || !t) return fail("bad_reply", strf("rate '%s' has an unknown unit", io::printable(text).c_str()));
    return *value * *v / *t;
}

Result<double> parse_volume(std::string_view text) {
    std::string_view number, unit;
    if (!split_value(text, number, unit))
        return fail("bad_reply", strf("volume '%s' lacks a unit", io::printable(text).c_str()));
    const auto value = to_double(number);
    const auto v = volume_unit(unit);
    if (!value || !v)
        return fail("bad_reply", strf("volume '%s' is not <number> <ml|ul|nl|pl>", io::printable(text).c_str()));
    return *value * *v;
}

Result<double> parse_current_rate(std::string_view text) {
    const auto at = text.find(" at ");
    if (at == std::string_view::npos) {
        return fail("bad_reply",
                    strf("crate '%s' is not '<Infusing|Withdrawing> at <rate>'", io::printable(text).c_str()));
    }
    return parse_rate(text.substr(at + 4));
}

Result<RateLimits> parse_rate_limits(std::string_view text) {
    const auto to = text.find(" to ");
    if (to == std::string_view::npos) {
        return fail("bad_reply", strf("rate limits '%s' are not '<min> to <max>'", io::printable(text).c_str()));
    }
    auto lo = parse_rate(text.substr(0, to));
    auto hi = parse_rate(text.substr(to + 4));
    if (!lo) return std::unexpected(lo.error());
    if (!hi) return std::unexpected(hi.error());
    if (*lo > *hi) return fail("bad_reply", strf("rate limits '%s' are reversed", io::printable(text).c_str()));
    return RateLimits{*lo, *hi};
}

Result<StatusWord> parse_status(std::string_view text) {
    std::vector<std::string_view> f;
    auto t = trim(text);
    while (!t.empty()) {
        const auto sp = t.find(' ');
        f.push_back(t.substr(0, sp));
        t = sp == std::string_view::npos ? std::string_view{} : trim(t.substr(sp));
    }
    if (f.size() != 4 || f[3].empty()) {
        return fail("bad_reply",
                    strf("status '%s' is not '<rate> <time> <volume> <flags>'", io::printable(text).c_str()));
    }
    const auto rate = to_double(f[0]);
    const auto time = to_double(f[1]);
    const auto volume = to_double(f[2]);
    const char dir = f[3][0];
    if (!rate || !time || !volume || std::string_view("iIwW").find(dir) == std::string_view::npos) {
        return fail("bad_reply", strf("status '%s' does not parse", io::printable(text).c_str()));
    }
    constexpr double m3_per_fl = 1e-18;
    StatusWord s;
    s.rate_m3_per_s = *rate * m3_per_fl;
    s.time = *time;
    s.volume_m3 = *volume * m3_per_fl;
    s.direction = static_cast<char>(dir | 0x20);
    s.moving = dir == 'I' || dir == 'W';
    const auto flags = f[3].substr(1);
    s.stalled = flags.find('S') != std::string_view::npos;
    s.target_reached = flags.find('T') != std::string_view::npos;
    return s;
}

}  // namespace edc::harvard
