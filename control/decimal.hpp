#pragma once
// Numbers on the wire and in files, with a decimal point whatever the process locale is.
// QApplication adopts the user's locale (setlocale(LC_ALL, "")): under de_DE every printf-family
// call and strtod/std::stod writes and reads "5,7E-03". std::to_chars/std::from_chars never look
// at the locale, so every number an instrument, a simulator or a file sees goes through here.
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace edc::decimal {

namespace detail {

inline std::string chars(double v, std::chars_format f, int precision) {
    std::array<char, 128> buf{};
    const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v, f, precision);
    if (ec != std::errc{}) return std::isnan(v) ? "nan" : (v < 0 ? "-inf" : "inf");
    return {buf.data(), end};
}

inline std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace detail

// printf "%.*f": `decimals` digits after the point.
[[nodiscard]] inline std::string fixed(double v, int decimals) {
    return detail::chars(v, std::chars_format::fixed, decimals);
}

// printf "%.*E" (or "%+.*E" with `plus`): SCPI's exponent form, e.g. -5.700000E-03.
[[nodiscard]] inline std::string scientific(double v, int decimals, bool plus = false) {
    std::string s = detail::upper(detail::chars(v, std::chars_format::scientific, decimals));
    if (plus && s.front() != '-') s.insert(0, 1, '+');
    return s;
}

// printf "%.*G": `significant` digits, exponent form only when the value needs it.
[[nodiscard]] inline std::string general(double v, int significant) {
    return detail::upper(detail::chars(v, std::chars_format::general, significant));
}

// The shortest text that reads back to the same double (fmt's "{}").
[[nodiscard]] inline std::string shortest(double v) {
    std::array<char, 64> buf{};
    const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    return ec == std::errc{} ? std::string(buf.data(), end)
                             : detail::chars(v, std::chars_format::general, 17);
}

// The whole of `text` as a finite double ("1.5", "-2e-3", "+4"); anything else, including a
// decimal comma, leading or trailing spaces and "nan"/"inf", is nullopt.
[[nodiscard]] inline std::optional<double> parse(std::string_view text) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty() || text.front() == '+') return std::nullopt;
    double v = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

}  // namespace edc::decimal
