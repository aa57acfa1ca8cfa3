#include "drivers/sim/scpi_parser.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "control/decimal.hpp"

namespace edc::sim {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// Splits at `sep` outside single or double quotes; false when a quote is left open.
bool split_outside_quotes(std::string_view s, char sep, std::vector<std::string_view>& out) {
    char quote = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quote != 0) {
            if (c == quote) quote = 0;  // a doubled quote reopens at once: same effect
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == sep) {
            out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    out.push_back(s.substr(start));
    return quote == 0;
}

ScpiCommand syntax_error(const char* what) {
    ScpiCommand c;
    c.error_code = -102;
    c.error_text = what;
    return c;
}

// One mnemonic: letters, then letters/digits/underscore; a numeric suffix 1 is dropped.
bool normalize_mnemonic(std::string_view m, std::string& out, int& error) {
    if (m.empty() || !std::isalpha(static_cast<unsigned char>(m.front()))) return false;
    for (char c : m) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    }
    std::size_t end = m.size();
    while (end > 0 && std::isdigit(static_cast<unsigned char>(m[end - 1]))) --end;
    if (end < m.size()) {
        const std::string_view suffix = m.substr(end);
        if (suffix != "1") error = -114;
    }
    out = scpi_upper(m.substr(0, end));
    return true;
}

bool parse_params(std::string_view text, std::vector<ScpiParam>& out) {
    text = trim(text);
    if (text.empty()) return true;
    std::vector<std::string_view> pieces;
    if (!split_outside_quotes(text, ',', pieces)) return false;
    for (auto piece : pieces) {
        piece = trim(piece);
        if (piece.empty()) return false;
        ScpiParam p;
        const char q = piece.front();
        if (q == '"' || q == '\'') {
            if (piece.size() < 2 || piece.back() != q) return false;
            const std::string_view inner = piece.substr(1, piece.size() - 2);
            for (std::size_t i = 0; i < inner.size(); ++i) {
                if (inner[i] == q) {
                    if (i + 1 >= inner.size() || inner[i + 1] != q) return false;
                    ++i;
                }
                p.text.push_back(inner[i]);
            }
            p.quoted = true;
        } else {
            for (char c : piece) {
                if (c == '"' || c == '\'') return false;
            }
            p.text = std::string(piece);
        }
        out.push_back(std::move(p));
    }
    return true;
}

}  // namespace

std::string scpi_upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::vector<ScpiCommand> parse_scpi_message(std::string_view line) {
    std::vector<ScpiCommand> out;
    std::vector<std::string_view> units;
    if (!split_outside_quotes(line, ';', units)) {
        // The units before the open quote still run; the one holding it is a syntax error.
        const auto cut = static_cast<std::size_t>(units.back().data() - line.data());
        std::vector<ScpiCommand> partial;
        if (cut > 0) partial = parse_scpi_message(line.substr(0, cut - 1));
        partial.push_back(syntax_error("Syntax error; unterminated string"));
        return partial;
    }
    std::vector<std::string> path;  // parent node of the previous command
    for (auto unit : units) {
        unit = trim(unit);
        if (unit.empty()) continue;
        std::size_t h_end = 0;
        while (h_end < unit.size() && !is_space(unit[h_end]) && unit[h_end] != '"' && unit[h_end] != '\'')
            ++h_end;
        std::string_view header = unit.substr(0, h_end);
        const std::string_view rest = unit.substr(h_end);
        ScpiCommand cmd;
        if (!header.empty() && header.back() == '?') {
            cmd.query = true;
            header.remove_suffix(1);
        }
        if (header.empty()) {
            out.push_back(syntax_error("Syntax error; missing header"));
            continue;
        }
        int error = 0;
        if (header.front() == '*') {
            std::string m;
            if (!normalize_mnemonic(header.substr(1), m, error) || error != 0) {
                out.push_back(syntax_error("Syntax error; bad common command"));
                continue;
            }
            cmd.common = true;
            cmd.header = {"*" + m};
        } else {
            const bool absolute = header.front() == ':';
            if (absolute) header.remove_prefix(1);
            std::vector<std::string_view> nodes;
            split_outside_quotes(header, ':', nodes);
            std::vector<std::string> mnemonics = absolute ? std::vector<std::string>{} : path;
            bool ok = true;
            for (auto n : nodes) {
                std::string m;
                if (!normalize_mnemonic(n, m, error)) {
                    ok = false;
                    break;
                }
                mnemonics.push_back(std::move(m));
            }
            if (!ok) {
                out.push_back(syntax_error("Syntax error; bad header"));
                continue;
            }
            if (error != 0) {
                ScpiCommand bad;
                bad.error_code = error;
                bad.error_text = "Header suffix out of range";
                out.push_back(std::move(bad));
                continue;
            }
            cmd.header = std::move(mnemonics);
            path.assign(cmd.header.begin(), cmd.header.end() - 1);
        }
        if (!rest.empty() && !is_space(rest.front())) {
            out.push_back(syntax_error("Syntax error; header separator"));
            continue;
        }
        if (!parse_params(rest, cmd.params)) {
            out.push_back(syntax_error("Syntax error; bad parameter"));
            continue;
        }
        out.push_back(std::move(cmd));
    }
    return out;
}

ScpiPattern::ScpiPattern(std::string_view pattern) {
    std::size_t i = 0;
    while (i < pattern.size()) {
        Node node;
        if (pattern[i] == '[') {
            node.optional = true;
            ++i;
        }
        if (i < pattern.size() && pattern[i] == ':') ++i;
        std::string raw;
        while (i < pattern.size() && pattern[i] != ':' && pattern[i] != '[' && pattern[i] != ']')
            raw.push_back(pattern[i++]);
        if (i < pattern.size() && pattern[i] == ']') ++i;
        for (char c : raw) {
            if (std::isupper(static_cast<unsigned char>(c)) || c == '*' ||
                std::isdigit(static_cast<unsigned char>(c)))
                node.short_form.push_back(c);
        }
        node.long_form = scpi_upper(raw);
        if (!raw.empty()) nodes_.push_back(std::move(node));
    }
}

bool ScpiPattern::matches(const std::vector<std::string>& header) const {
    return match_from(header, 0, 0);
}

bool ScpiPattern::match_from(const std::vector<std::string>& header, std::size_t h, std::size_t n) const {
    if (n == nodes_.size()) return h == header.size();
    const Node& node = nodes_[n];
    if (h < header.size() && (header[h] == node.short_form || header[h] == node.long_form) &&
        match_from(header, h + 1, n + 1)) {
        return true;
    }
    return node.optional && match_from(header, h, n + 1);
}

ScpiNumber parse_scpi_number(std::string_view text) {
    const std::string up = scpi_upper(trim(text));
    if (up == "MIN" || up == "MINIMUM") return {ScpiNumberKind::minimum, 0.0};
    if (up == "MAX" || up == "MAXIMUM") return {ScpiNumberKind::maximum, 0.0};
    if (up == "DEF" || up == "DEFAULT") return {ScpiNumberKind::def, 0.0};
    if (up.empty()) return {};
    for (char c : up) {
        if (!std::isdigit(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.' && c != 'E')
            return {};
    }
    const auto v = decimal::parse(up);
    if (!v) return {};
    return {ScpiNumberKind::value, *v};
}

int parse_scpi_bool(std::string_view text) {
    const std::string up = scpi_upper(trim(text));
    if (up == "ON") return 1;
    if (up == "OFF") return 0;
    const auto n = parse_scpi_number(up);
    if (n.kind != ScpiNumberKind::value) return -1;
    return n.value != 0.0 ? 1 : 0;
}

}  // namespace edc::sim
