#include "recipes/format/toml_guard.hpp"

namespace edc::recipes::detail {
namespace {

bool is_ascii(char c) { return static_cast<unsigned char>(c) < 0x80; }
bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }

class Scanner {
public:
    explicit Scanner(std::string_view text) : text_(text) {}

    std::optional<TextProblem> run() {
        if (starts_with("\xEF\xBB\xBF")) i_ = 3;  // a UTF-8 byte order mark, as toml++ accepts it
        while (i_ < text_.size()) {
            const char c = text_[i_];
            if (c == '#') {
                skip_comment();
            } else if (starts_with(R"(""")")) {
                if (auto p = multi_line_basic()) return p;
            } else if (starts_with("'''")) {
                multi_line_literal();
            } else if (c == '"') {
                single_line('"');
            } else if (c == '\'') {
                single_line('\'');
            } else if (!is_ascii(c)) {
                return problem("non-ASCII character outside a string or comment; expected keys, values and "
                               "punctuation in ASCII (put other text inside quotes)");
            } else {
                advance();
            }
        }
        return std::nullopt;
    }

private:
    [[nodiscard]] bool starts_with(std::string_view s) const { return text_.substr(i_).starts_with(s); }

    // Moves one byte; lines and columns count code points.
    void advance() {
        const char c = text_[i_++];
        if (c == '\n') {
            ++line_;
            column_ = 1;
        } else if (!is_continuation(c)) {
            ++column_;
        }
    }

    TextProblem problem(std::string what) const { return {line_, column_, std::move(what)}; }

    void skip_comment() {
        while (i_ < text_.size() && text_[i_] != '\n') advance();
    }

    // Escapes are skipped in pairs; a newline ends the string (toml++ reports the error).
    void single_line(char quote) {
        advance();
        while (i_ < text_.size() && text_[i_] != '\n') {
            const char c = text_[i_];
            advance();
            if (c == quote) return;
            if (quote == '"' && c == '\\' && i_ < text_.size() && text_[i_] != '\n') advance();
        }
    }

    // A closing delimiter may carry up to two more quotes that belong to the string.
    void close_multi_line(char quote) {
        for (int k = 0; k < 3; ++k) advance();
        for (int k = 0; k < 2 && i_ < text_.size() && text_[i_] == quote; ++k) advance();
    }

    void multi_line_literal() {
        for (int k = 0; k < 3; ++k) advance();
        while (i_ < text_.size()) {
            if (starts_with("'''")) {
                close_multi_line('\'');
                return;
            }
            advance();
        }
    }

    std::optional<TextProblem> multi_line_basic() {
        for (int k = 0; k < 3; ++k) advance();
        while (i_ < text_.size()) {
            if (starts_with(R"(""")")) {
                close_multi_line('"');
                return std::nullopt;
            }
            const char c = text_[i_];
            advance();
            if (c != '\\' || i_ >= text_.size()) continue;
            if (!is_ascii(text_[i_])) {
                return problem("non-ASCII character after a backslash in a multi-line string; expected an escape "
                               "such as \\n or \\u00E9");
            }
            if (text_[i_] != ' ' && text_[i_] != '\t' && text_[i_] != '\n' && text_[i_] != '\r') {
                advance();  // an ordinary escape: its character is not special
                continue;
            }
            // A line-ending backslash: toml++ tests the whitespace that follows it.
            while (i_ < text_.size() && (text_[i_] == ' ' || text_[i_] == '\t' || text_[i_] == '\n' || text_[i_] == '\r')) {
                advance();
            }
            if (i_ < text_.size() && !is_ascii(text_[i_])) {
                return problem("non-ASCII character right after a line-ending backslash in a multi-line string; "
                               "expected ASCII text there");
            }
        }
        return std::nullopt;
    }

    std::string_view text_;
    std::size_t i_ = 0;
    std::size_t line_ = 1;
    std::size_t column_ = 1;
};

}  // namespace

std::optional<TextProblem> find_unsafe_text(std::string_view text) { return Scanner(text).run(); }

namespace {

bool unsafe(char32_t c) noexcept {
    return (c >= 0xA1 && c <= 0x499) || (c >= 0x2C7E && c <= 0x3077 && c != 0x3000) || (c >= 0xFB26 && c <= 0xFEFE);
}

// Calls f(offset, length, code point) for each well-formed 2- or 3-byte UTF-8 sequence (the
// only lengths the unsafe ranges use); anything malformed is left for toml++ to reject.
template <class F>
void for_each_multibyte(std::string_view text, F&& f) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char b = byte(i);
        if (b >= 0xC2 && b <= 0xDF && i + 1 < text.size() && is_continuation(text[i + 1])) {
            f(i, 2, static_cast<char32_t>(((b & 0x1FU) << 6U) | (byte(i + 1) & 0x3FU)));
            i += 2;
        } else if (b >= 0xE0 && b <= 0xEF && i + 2 < text.size() && is_continuation(text[i + 1]) &&
                   is_continuation(text[i + 2])) {
            f(i, 3, static_cast<char32_t>(((b & 0x0FU) << 12U) | ((byte(i + 1) & 0x3FU) << 6U) | (byte(i + 2) & 0x3FU)));
            i += 3;
        } else {
            ++i;
        }
    }
}

}  // namespace

bool has_unsafe_code_points(std::string_view text) noexcept {
    bool found = false;
    for_each_multibyte(text, [&](std::size_t, std::size_t, char32_t c) { found = found || unsafe(c); });
    return found;
}

std::string neutralize_unsafe_code_points(std::string_view text) {
    std::string out(text);
    for_each_multibyte(text, [&](std::size_t at, std::size_t length, char32_t c) {
        if (!unsafe(c)) return;
        if (length == 2) {
            out.replace(at, 2, "\xD4\x80");  // U+0500
        } else {
            out.replace(at, 3, "\xE4\xB8\x80");  // U+4E00
        }
    });
    return out;
}

}  // namespace edc::recipes::detail
