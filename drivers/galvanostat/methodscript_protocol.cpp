#include "drivers/galvanostat/methodscript_protocol.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "control/text.hpp"

namespace edc::methodscript {
namespace {

struct Prefix {
    char c;
    double factor;
};
// MethodSCRIPT manual, "SI prefixes"; ' ' is no prefix and 'i' an integer (both factor 1).
constexpr std::array<Prefix, 15> prefixes{{{'a', 1e-18},
                                           {'f', 1e-15},
                                           {'p', 1e-12},
                                           {'n', 1e-9},
                                           {'u', 1e-6},
                                           {'m', 1e-3},
                                           {' ', 1.0},
                                           {'i', 1.0},
                                           {'k', 1e3},
                                           {'M', 1e6},
                                           {'G', 1e9},
                                           {'T', 1e12},
                                           {'P', 1e15},
                                           {'E', 1e18}}};
constexpr std::int64_t value_offset = 0x8000000;  // 2^27: the 7 hex digits carry value + offset

std::optional<double> prefix_factor(char c) {
    for (const auto& p : prefixes) {
        if (p.c == c && c != '\0') return p.factor;
    }
    return std::nullopt;
}

Error bad(std::size_t column, const std::string& what) {
    return Error{"bad_package", strf("column %zu: %s", column + 1, what.c_str()), {}};
}

}  // namespace

Result<std::string> si_literal(double v) {
    if (!std::isfinite(v)) return fail("invalid_setting", "a script number must be finite", "methodscript");
    if (v == 0.0) return std::string("0");
    // The coarsest prefix that keeps six significant digits exactly, so "100m" not "100000u".
    constexpr std::array<Prefix, 7> usable{
        {{' ', 1.0}, {'m', 1e-3}, {'u', 1e-6}, {'n', 1e-9}, {'p', 1e-12}, {'f', 1e-15}, {'a', 1e-18}}};
    for (const auto& p : usable) {
        const double m = v / p.factor;
        if (std::fabs(m) >= 1e12)
            return fail("invalid_setting", "a script number is too large", "methodscript");
        const double r = std::round(m);
        if (std::fabs(r - m) <= 1e-6 * std::fabs(m) && r != 0.0) {
            std::array<char, 32> buf{};
            auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), static_cast<long long>(r));
            if (ec != std::errc())
                return fail("invalid_setting", "unformattable script number", "methodscript");
            std::string out(buf.data(), end);
            if (p.c != ' ') out += p.c;
            return out;
        }
    }
    return fail("invalid_setting", "a script number is too small", "methodscript");
}

Result<std::string> build_cp_script(const CpScript& s) {
    auto check = [](bool ok, const char* what) -> Result<void> {
        if (ok) return {};
        return fail("invalid_setting", what, "methodscript");
    };
    if (auto r = check(std::isfinite(s.current_a), "current not finite"); !r)
        return std::unexpected(r.error());
    if (auto r = check(s.interval_s > 0.0 && s.interval_s <= 60.0, "interval outside (0, 60] s"); !r)
        return std::unexpected(r.error());
    if (auto r = check(s.duration_s >= s.interval_s && s.duration_s <= 86400.0,
                       "duration outside interval..1 day");
        !r)
        return std::unexpected(r.error());
    if (auto r = check(s.potential_limit_v > 0.0 && s.potential_limit_v <= 10.0,
                       "potential limit outside (0, 10] V");
        !r)
        return std::unexpected(r.error());
    if (auto r = check(s.current_range_a > 0.0 && std::fabs(s.current_a) <= s.current_range_a * 1.05,
                       "current outside the range");
        !r)
        return std::unexpected(r.error());
    auto current = si_literal(s.current_a);
    auto interval = si_literal(s.interval_s);
    auto duration = si_literal(s.duration_s);
    auto limit = si_literal(s.potential_limit_v);
    auto range = si_literal(s.current_range_a);
    for (const auto* r : {&current, &interval, &duration, &limit, &range}) {
        if (!*r) return std::unexpected(r->error());
    }
    std::string out = "e\n";
    out += "var p\nvar c\nvar i\nvar t\n";
    out += "store_var i " + *current + " ja\n";
    out += "set_pgstat_chan 0\n";
    out += "set_pgstat_mode " + std::to_string(s.pgstat_mode) + "\n";
    out += "set_range ab " + *limit + "\n";
    out += "set_range db " + *range + "\n";
    out += "cell_on\n";
    out += "timer_start\n";
    out += "meas_loop_cp p c i " + *interval + " " + *duration + "\n";
    out += "timer_get t\n";
    out += "pck_start\npck_add t\npck_add p\npck_add c\npck_end\n";
    // The potential guard runs in the instrument too: it needs no host to act.
    out += "if p > " + *limit + "\nbreakloop\nendif\n";
    out += "if p < -" + *limit + "\nbreakloop\nendif\n";
    out += "endloop\n";
    out += "on_finished:\ncell_off\n\n";
    return out;
}

std::string cell_off_script() {
    return "e\ncell_off\n\n";
}

Result<double> decode_value(std::string_view v) {
    if (v.size() != 8) return fail("bad_package", "a value is 8 characters", {});
    if (v == "     nan") return std::nan("");
    std::int64_t raw = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + 7, raw, 16);
    if (ec != std::errc() || ptr != v.data() + 7)
        return fail("bad_package", "value digits are not 7 hex digits", {});
    const auto f = prefix_factor(v[7]);
    if (!f) return fail("bad_package", strf("unknown SI prefix '%c'", v[7]), {});
    return static_cast<double>(raw - value_offset) * *f;
}

Result<Package> parse_package(std::string_view line) {
    if (line.empty() || line.front() != 'P') return std::unexpected(bad(0, "a package starts with 'P'"));
    Package pkg;
    std::size_t pos = 1;
    while (pos <= line.size()) {
        const auto end = std::min(line.find(';', pos), line.size());
        const auto var = line.substr(pos, end - pos);
        const auto comma = std::min(var.find(','), var.size());
        if (comma != 10)
            return std::unexpected(bad(pos, "a variable is 2 type letters and 8 value characters"));
        const auto type = var.substr(0, 2);
        auto value = decode_value(var.substr(2, 8));
        if (!value) return std::unexpected(bad(pos + 2, value.error().message));
        // Metadata: ",1X" status (one hex digit), ",2XX" range (two hex digits); others skipped.
        std::size_t m = comma;
        while (m < var.size()) {
            const auto next = std::min(var.find(',', m + 1), var.size());
            const auto meta = var.substr(m + 1, next - m - 1);
            if (meta.empty()) return std::unexpected(bad(pos + m + 1, "empty metadata"));
            unsigned v = 0;
            auto [p, ec] = std::from_chars(meta.data() + 1, meta.data() + meta.size(), v, 16);
            if (ec != std::errc() || p != meta.data() + meta.size()) {
                return std::unexpected(bad(pos + m + 1, "metadata is not hexadecimal"));
            }
            if (meta.front() == '1' && meta.size() == 2) pkg.status |= static_cast<std::uint8_t>(v);
            m = next;
        }
        if (type == "eb") {
            pkg.time_s = *value;
        } else if (type == "ab") {
            pkg.potential_v = *value;
        } else if (type == "ba") {
            pkg.current_a = *value;
        } else if (type.size() != 2 || type[0] < 'a' || type[0] > 'z' || type[1] < 'a' || type[1] > 'z') {
            return std::unexpected(bad(pos, "variable type is not two lower-case letters"));
        }
        pos = end + 1;
    }
    return pkg;
}

std::optional<ErrorReply> parse_error(std::string_view line) {
    const auto bang = line.find('!');
    if (bang == std::string_view::npos || line.size() < bang + 5) return std::nullopt;
    unsigned code = 0;
    auto [p, ec] = std::from_chars(line.data() + bang + 1, line.data() + bang + 5, code, 16);
    if (ec != std::errc() || p != line.data() + bang + 5) return std::nullopt;
    ErrorReply e;
    e.code = code;
    auto rest = line.substr(bang + 5);
    if (!rest.empty() && rest.front() == ':') rest.remove_prefix(1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    e.text = std::string(rest);
    return e;
}

std::string describe_error(unsigned code) {
    switch (code) {
        case 0x0006:
            return "no script is running";
        default:
            return strf("MethodSCRIPT error 0x%04X", code);
    }
}

Result<Identity> parse_identity(std::string_view line1, std::string_view line2) {
    if (line1.empty() || line1.front() != 't' || line2.empty() || line2.back() != '*') {
        return fail("bad_reply", "the version reply is 't<firmware>' then '<build>*'", {});
    }
    Identity id;
    id.firmware = std::string(line1.substr(1)) + " " + std::string(line2.substr(0, line2.size() - 1));
    constexpr std::array<std::pair<std::string_view, std::string_view>, 3> devices{
        {{"es4_lr", "EmStat4 LR"}, {"es4_hr", "EmStat4 HR"}, {"espico", "EmStat Pico"}}};
    for (const auto& [prefix, name] : devices) {
        if (id.firmware.starts_with(prefix)) id.device = name;
    }
    return id;
}

}  // namespace edc::methodscript
