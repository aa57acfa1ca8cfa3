#pragma once
// Instrument bytes for an error message: printable ASCII kept, everything else as \xNN, cut to
// `max_shown` characters with "..." after a cut. Replies are untrusted input.
#include <cstddef>
#include <string>
#include <string_view>

#include "control/text.hpp"

namespace edc::io {

[[nodiscard]] inline std::string printable(std::string_view s, std::size_t max_shown = 60) {
    std::string out;
    for (const char c : s.substr(0, max_shown)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u >= 0x20 && u < 0x7F) ? std::string(1, c) : strf("\\x%02x", u);
    }
    if (s.size() > max_shown) out += "...";
    return out;
}

// An instrument's identity (*IDN?, VER) for the journal and the screen: the same cleaning, so a
// garbled reply (a wrong baud rate gives exactly that) never carries invalid UTF-8 into JSON.
[[nodiscard]] inline std::string identity_text(std::string_view s) {
    return printable(s, 256);
}

}  // namespace edc::io
