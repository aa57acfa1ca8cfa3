#pragma once
// Numbers a test sends to or reads from a simulated instrument, with std::to_chars/from_chars: a
// test's own formatting and parsing must not depend on the process locale.
#include <array>
#include <charconv>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace edc::test {

// Empty when any field is not a number.
[[nodiscard]] inline std::vector<double> csv_numbers(std::string_view reply) {
    while (!reply.empty() && (reply.back() == '\r' || reply.back() == '\n')) reply.remove_suffix(1);
    std::vector<double> out;
    while (true) {
        const auto comma = reply.find(',');
        std::string_view field = reply.substr(0, comma);
        if (!field.empty() && field.front() == '+') field.remove_prefix(1);
        double v = 0.0;
        const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
        if (field.empty() || ec != std::errc{} || end != field.data() + field.size()) return {};
        out.push_back(v);
        if (comma == std::string_view::npos) return out;
        reply.remove_prefix(comma + 1);
    }
}

// std::to_string(double) ("%f") with a decimal point whatever the locale: "-0.005700".
[[nodiscard]] inline std::string fixed6(double v) {
    std::array<char, 64> buf{};
    const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed, 6);
    return ec == std::errc{} ? std::string(buf.data(), end) : std::string("nan");
}

}  // namespace edc::test
