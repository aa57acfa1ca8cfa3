#pragma once
// A pre-scan of recipe text for what toml++ 3.3 must not see (toml.hpp explains why): any
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

}  // namespace edc::recipes::detail
