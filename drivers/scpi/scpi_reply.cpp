#include "drivers/scpi/scpi_reply.hpp"

#include <charconv>
#include <cmath>

#include "control/text.hpp"
#include "drivers/io/printable.hpp"

namespace edc::scpi {
std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

Result<Number> parse_number(std::string_view text) {
    auto t = trim(text);
    if (!t.empty() && t[0] == '+') t.remove_prefix(1);
    if (t.empty() || !(t[0] == '-' || t[0] == '.' || (t[0] >= '0' && t[0] <= '9'))) {
        return fail("bad_reply", strf("expected a number, got '%s'", io::printable(text).c_str()));
    }
    double v = 0.0;
    const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || p != t.data() + t.size() || !std::isfinite(v)) {
        return fail("bad_reply", strf("expected a number, got '%s'", io::printable(text).c_str()));
    }
    const double a = std::fabs(v);
    if (a >= 9.905e37 && v > 0) return Number{v, ValueKind::not_measured};
    if (a >= 9.85e37) return Number{v, ValueKind::overflow};
    return Number{v, ValueKind::value};
}

Result<std::vector<Number>> parse_number_list(std::string_view text, std::size_t expected) {
    std::vector<Number> out;
    std::size_t start = 0;
    while (true) {
        const auto comma = text.find(',', start);
        const auto field =
            text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        auto n = parse_number(field);
        if (!n) return std::unexpected(n.error());
        out.push_back(*n);
        if (expected != 0 && out.size() > expected) break;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    if (expected != 0 && out.size() != expected) {
        return fail("bad_reply",
                    strf("expected %zu comma-separated values, got '%s'", expected, io::printable(text).c_str()));
    }
    return out;
}

Result<bool> parse_bool(std::string_view text) {
    const auto t = trim(text);
    if (t == "1" || t == "ON") return true;
    if (t == "0" || t == "OFF") return false;
    return fail("bad_reply", strf("expected 0 or 1, got '%s'", io::printable(text).c_str()));
}

Result<ErrorEntry> parse_error_entry(std::string_view text) {
    const auto t = trim(text);
    const auto comma = t.find(',');
    if (comma == std::string_view::npos) {
        return fail("bad_reply", strf("expected <code>,\"<message>\", got '%s'", io::printable(text).c_str()));
    }
    auto code_text = trim(t.substr(0, comma));
    if (!code_text.empty() && code_text[0] == '+') code_text.remove_prefix(1);
    int code = 0;
    const auto [p, ec] = std::from_chars(code_text.data(), code_text.data() + code_text.size(), code);
    if (code_text.empty() || ec != std::errc{} || p != code_text.data() + code_text.size()) {
        return fail("bad_reply", strf("bad error code in '%s'", io::printable(text).c_str()));
    }
    auto msg = trim(t.substr(comma + 1));
    if (msg.size() >= 2 && msg.front() == '"' && msg.back() == '"') {
        msg = msg.substr(1, msg.size() - 2);
    } else if (!msg.empty() && msg.front() == '"') {
        msg.remove_prefix(1);  // unterminated quote: keep what there is
    }
    if (const auto semi = msg.find(';'); semi != std::string_view::npos) msg = msg.substr(0, semi);
    return ErrorEntry{code, std::string(trim(msg))};
}

}  // namespace edc::scpi
