#pragma once
// Pre-scans of recipe text for what toml++ 3.3 must not see (toml.hpp explains why). First: any
// non-ASCII character outside strings and comments (TOML allows none there), and a non-ASCII
// character right after a backslash, or after a line-ending backslash, in a multi-line basic
// string. Strings, comments and escapes are tracked as TOML 1.0 defines them.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace edc::recipes::detail {

struct TextProblem {
    std::size_t line;    // 1-based
    std::size_t column;  // 1-based, in characters (UTF-8 code points)
    std::string what;
};

[[nodiscard]] std::optional<TextProblem> find_unsafe_text(std::string_view text);

// The code points toml++ 3.3 mishandles when it tests them for whitespace: U+00A1-U+0499,
// U+2C7E-U+3077 (except U+3000) and U+FB26-U+FEFE. Neutralizing replaces each with a harmless
// letter of the same UTF-8 length (U+0500 or U+4E00), so every line:col stays the same: a
// document that parses after neutralizing is valid TOML, where those characters can only sit
// in strings and comments (and find_unsafe_text, in step with a valid document, has vetted
// the one place in strings toml++ still tests).
[[nodiscard]] bool has_unsafe_code_points(std::string_view text) noexcept;
[[nodiscard]] std::string neutralize_unsafe_code_points(std::string_view text);

}  // namespace edc::recipes::detail
